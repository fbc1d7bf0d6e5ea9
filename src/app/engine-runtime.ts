import type { Logger } from 'pino';
import type {
  AppendResult,
  DurationMs,
  ExclusionAdmin,
  ExclusionRecord,
  HistoryPoint,
  HistoryReader,
  IncomingSeries,
  IngestProtocol,
  RemoteCounts,
  SampleAppender,
  SloStatus,
  SpecSet,
  StatusReader,
  TransitionListener,
} from '../core/index.js';
import { Engine, EvaluationLoop } from '../engine/index.js';
import type { EvaluationReport } from '../engine/index.js';
import type { SloeStore } from '../store/index.js';

export interface EngineRuntimeOptions {
  readonly specs: SpecSet;
  readonly store: SloeStore;
  readonly clock: () => number;
  readonly evaluationInterval: DurationMs;
  readonly fineKeep?: DurationMs;
  /** New series past this many per SLI term are dropped (`limits.seriesPerTerm`). */
  readonly seriesLimitPerTerm?: number;
  readonly remote?: RemoteCounts;
  readonly logger: Logger;
  /** Called after every evaluation (notifications, self-metrics). */
  readonly onEvaluated?: (report: EvaluationReport, now: number) => void;
}

/**
 * The engine as the daemon holds it: one stable object behind every port (appender, status reader, history,
 * exclusions) while the Engine inside is rebuilt from the store when the specs are reloaded, and the evaluation loop.
 */
export class EngineRuntime implements SampleAppender, StatusReader, HistoryReader, ExclusionAdmin {
  private engine: Engine;
  private readonly loop: EvaluationLoop;
  private readonly listeners: TransitionListener[] = [];

  constructor(private readonly options: EngineRuntimeOptions) {
    this.engine = this.build(options.specs);
    this.loop = new EvaluationLoop({
      intervalMs: options.evaluationInterval,
      clock: options.clock,
      evaluate: (now) => this.evaluate(now),
      onError: (error) => options.logger.error({ err: error }, 'evaluation failed'),
    });
  }

  private build(specs: SpecSet): Engine {
    const { store } = this.options;
    const engine = new Engine({
      specs,
      store: store.engine,
      documents: store.documents,
      journal: store.journal,
      clock: this.options.clock,
      ...(this.options.remote === undefined ? {} : { remote: this.options.remote }),
      ...(this.options.fineKeep === undefined ? {} : { fineKeep: this.options.fineKeep }),
      ...(this.options.seriesLimitPerTerm === undefined ? {} : { seriesLimitPerTerm: this.options.seriesLimitPerTerm }),
    });
    engine.onTransitions((transitions) => {
      for (const listener of this.listeners) listener(transitions);
    });
    return engine;
  }

  /** Evaluates every objective now (the loop calls this; tests and reloads may too). */
  async evaluate(now: number): Promise<EvaluationReport> {
    const report = await this.engine.evaluate(now);
    this.options.logger.debug({ ms: Math.round(report.durationMs), objectives: report.statuses.length, transitions: report.transitions.length }, 'evaluated');
    this.options.onEvaluated?.(report, now);
    return report;
  }

  start(): void {
    this.loop.start();
  }

  /** Stops the loop after the running evaluation; everything the engine wrote is already committed. */
  async stop(): Promise<void> {
    await this.loop.stop();
  }

  /** Rebuilds the engine for a new spec set from what the store holds (buckets, series and alert state). */
  async replace(specs: SpecSet): Promise<void> {
    await this.loop.stop();
    this.engine = this.build(specs);
    this.loop.start();
  }

  onTransitions(listener: TransitionListener): void {
    this.listeners.push(listener);
  }

  ingestCounters(): { received: number; applied: number; dropped: Readonly<Record<string, number>> } {
    return this.engine.ingestCounters();
  }

  wantsMetric(name: string): boolean {
    return this.engine.wantsMetric(name);
  }

  append(series: readonly IncomingSeries[], protocol: IngestProtocol): AppendResult {
    return this.engine.append(series, protocol);
  }

  latest(): readonly SloStatus[] {
    return this.engine.latest();
  }

  get(name: string): SloStatus | undefined {
    return this.engine.get(name);
  }

  history(name: string, from: number, to: number, step: number): HistoryPoint[] | undefined {
    return this.engine.history(name, from, to, step);
  }

  list(slo?: string): ExclusionRecord[] {
    return this.engine.exclusions.list(slo);
  }

  add(input: { slo: string; start: number; end: number; reason: string }, who: string, now: number): ExclusionRecord {
    return this.engine.exclusions.add(input, who, now);
  }

  remove(id: string, who: string, now: number): boolean {
    return this.engine.exclusions.remove(id, who, now);
  }
}
