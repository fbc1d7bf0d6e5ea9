import type {
  Component,
  DocumentStore,
  DurationMs,
  EngineStore,
  Evaluation,
  ExclusionAdmin,
  HistoryReader,
  EventsReader,
  Journal,
  BackfillAdmin,
  RemoteSeries,
  SampleAppender,
  SpecSet,
  StatusReader,
} from '../core/index.js';
import { SloeError } from '../core/index.js';
import { Engine } from './engine.js';
import type { EvaluationReport } from './engine.js';
import { EvaluationLoop } from './loop.js';
import { StageTimer } from './stages.js';
import type { PullSettings } from './pull.js';

/** What the rest of the daemon reads and writes the engine through; the same objects for the daemon's lifetime. */
export interface EnginePorts {
  readonly appender: SampleAppender;
  readonly statuses: StatusReader;
  readonly history: HistoryReader;
  readonly events: EventsReader;
  readonly exclusions: ExclusionAdmin;
  readonly backfill: BackfillAdmin;
}

/** The log calls the engine makes (pino's signature). */
export interface EngineLogger {
  debug(object: object, message: string): void;
  /** Backfills say when they run and finish (info) and when a source fails (warn). */
  info?(object: object, message: string): void;
  warn?(object: object, message: string): void;
  error(object: object, message: string): void;
}

export interface EngineComponentOptions {
  readonly specs: SpecSet;
  /** The store's ports the engine keeps its buckets, series, alert state and exclusions in. */
  readonly store: { readonly engine: EngineStore; readonly documents: DocumentStore; readonly journal: Journal };
  readonly clock: () => number;
  readonly evaluationIntervalMs: DurationMs;
  /** New series past this many per SLI term are dropped (`limits.seriesPerTerm`). */
  readonly seriesLimitPerTerm?: number;
  readonly fineKeep?: DurationMs;
  /** The sources remote SLIs are pulled from; `pullSettings` paces them (DEFAULT_PULL_SETTINGS otherwise). */
  readonly remote?: RemoteSeries;
  readonly pullSettings?: PullSettings;
  readonly logger: EngineLogger;
  /**
   * Sees every cycle once its listeners are done: the engine's report with the listeners' stages added (self-metrics,
   * traces); listeners get the Evaluation without timings.
   */
  readonly observe?: (cycle: CycleReport, now: number) => void;
  /** Sees an evaluation that failed (counted; the loop logs it and the next tick tries again). */
  readonly observeFailure?: (error: unknown, now: number) => void;
}

/** A part that works after each evaluation; its name labels that work's stage in the cycle metrics and spans. */
export type EvaluationListener = Pick<Component, 'afterEvaluation'> & { readonly name?: string };

/** One evaluation cycle: the engine's report, whose stages go on with one per listener (named after it). */
export interface CycleReport extends EvaluationReport {
  /** Unix ms the cycle started. */
  readonly startedAt: number;
  /** The whole cycle: the engine's evaluation and every listener's work after it. */
  readonly cycleMs: number;
}

/** `Component<never>`: the engine serves no routes of its own; the API reads it through `ports`. */
export interface EngineComponent extends Component<never> {
  readonly ports: EnginePorts;
  /** True once an evaluation has finished: before it, every status is the `not evaluated yet` placeholder. */
  evaluated(): boolean;
  /** Evaluates every objective at `now` and hands the result to the listeners (the loop calls this; tests may). */
  evaluate(now: number): Promise<EvaluationReport>;
  /**
   * The parts each Evaluation is handed to, in this order. Set once, by the composition root, before `start`:
   * the engine is built before its listeners exist because they read it through `ports`.
   */
  emitTo(listeners: readonly EvaluationListener[]): void;
}

/**
 * The engine as one part of the daemon: owns the evaluation loop, rebuilds the Engine from the store when the specs
 * change (unchanged SLOs keep their buckets and alert state, since both are keyed by name in the store), and emits
 * every Evaluation to its listeners.
 *
 * The ports are plain objects whose functions read the Engine in force, bound once here: ingest, the API and the gates
 * hold them for the daemon's lifetime while the Engine behind them is replaced. The Engine itself stays immutable per
 * spec set (its plan, series and alert arrays are built for one set), which is why it is swapped, not mutated.
 */
export function createEngineComponent(options: EngineComponentOptions): EngineComponent {
  const build = (specs: SpecSet): Engine =>
    new Engine({
      specs,
      store: options.store.engine,
      documents: options.store.documents,
      journal: options.store.journal,
      clock: options.clock,
      ...(options.remote === undefined ? {} : { remote: options.remote }),
      ...(options.pullSettings === undefined ? {} : { pullSettings: options.pullSettings }),
      log: { info: (object, message) => options.logger.info?.(object, message), warn: (object, message) => options.logger.warn?.(object, message) },
      ...(options.fineKeep === undefined ? {} : { fineKeep: options.fineKeep }),
      ...(options.seriesLimitPerTerm === undefined ? {} : { seriesLimitPerTerm: options.seriesLimitPerTerm }),
    });
  let engine = build(options.specs);
  let listeners: readonly EvaluationListener[] | undefined;
  let evaluatedOnce = false;

  const evaluate = async (now: number): Promise<EvaluationReport> => {
    const started = performance.now();
    let report: EvaluationReport;
    try {
      report = await engine.evaluate(now);
    } catch (error) {
      options.observeFailure?.(error, now);
      throw error;
    }
    evaluatedOnce = true;
    const evaluation: Evaluation = { now, statuses: report.statuses, transitions: report.transitions, groups: report.groups };
    // Each listener's work is a stage of the cycle under its name (notifications, policy, reviews, ...).
    const timer = new StageTimer();
    for (const listener of listeners ?? []) {
      if (listener.afterEvaluation) timer.time(listener.name ?? 'listener', () => listener.afterEvaluation!(evaluation));
    }
    const cycleMs = performance.now() - started;
    options.logger.debug({ ms: Math.round(report.durationMs), cycleMs: Math.round(cycleMs), objectives: report.statuses.length, transitions: report.transitions.length }, 'evaluated');
    options.observe?.({ ...report, stages: [...report.stages, ...timer.stages], startedAt: performance.timeOrigin + started, cycleMs }, now);
    return report;
  };
  const loop = new EvaluationLoop({ intervalMs: options.evaluationIntervalMs, clock: options.clock, evaluate, onError: (error) => options.logger.error({ err: error }, 'evaluation failed') });

  return {
    name: 'engine',
    ports: {
      appender: {
        wantsMetric: (name) => engine.wantsMetric(name),
        append: (series, protocol) => engine.append(series, protocol),
        appendGroup: (requests) => engine.appendGroup(requests),
        // Always the current engine's: a reload replaces it, and handles from the old one are resolved again by key.
        encodedSeries: { find: (body, start, end) => engine.encodedSeries.find(body, start, end) },
      },
      statuses: { latest: () => engine.latest(), get: (name) => engine.get(name), groups: (name) => engine.groups(name) },
      history: { history: (name, from, to, step, group) => engine.history(name, from, to, step, group) },
      events: { events: (name, ranges) => engine.events(name, ranges) },
      exclusions: { list: (slo) => engine.exclusions.list(slo), add: (input, who, now) => engine.exclusions.add(input, who, now), remove: (id, who, now) => engine.exclusions.remove(id, who, now) },
      backfill: { start: (slos, now) => engine.backfill(slos, now) },
    },
    evaluated: () => evaluatedOnce,
    evaluate,
    emitTo(next) {
      if (listeners !== undefined) throw new SloeError('engine_listeners_set', 'the engine\'s listeners are set once, by the composition root');
      listeners = next;
    },
    start: () => loop.start(),
    // A reload answers once the new set is in force and evaluated, so readers (gates, UI) see carried-over figures.
    async onSpecChange(specs) {
      await loop.stop();
      // An evaluation started outside the loop (a previous reload's, a caller's) may still be in flight, in slices.
      // The next engine is built only after it: built before, it would read the alert states and slice marks the old
      // evaluation is about to write, and listeners could get the old set's evaluation after the new one's. Waiting
      // (rather than abandoning it and starting over) costs at most one evaluation, the event loop free meanwhile, and
      // cannot starve when reloads come faster than an evaluation takes.
      await engine.settled();
      // The old engine's backfill saves its cursor and stops; the new one resumes from it.
      await engine.close();
      engine = build(specs);
      loop.start();
      await evaluate(options.clock());
    },
    // Stops after the running evaluation and backfill chunk; everything the engine wrote is already committed.
    stop: async () => {
      await loop.stop();
      await engine.settled();
      await engine.close();
    },
  };
}
