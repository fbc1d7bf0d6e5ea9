import type { GateDecision, IngestProtocol, Journal, SampleAppender } from '../core/index.js';
import type { NotificationOutcome, SelfMetrics } from './metrics.js';
import { recordCycleSpans, withSpan } from './tracing.js';
import type { TimedStage } from './tracing.js';

/**
 * Decorators that count what flows through a port, so the components behind them need not know about metrics.
 * app wraps each port once, where it composes the daemon.
 */

/** Counts every append's applied and dropped samples by protocol and reason, inside an `ingest.append` span. */
export function instrumentAppender(appender: SampleAppender, metrics: SelfMetrics): SampleAppender {
  return {
    wantsMetric: (name) => appender.wantsMetric(name),
    ...(appender.encodedSeries === undefined ? {} : { encodedSeries: appender.encodedSeries }),
    append(series, protocol: IngestProtocol) {
      return withSpan('ingest.append', { 'sloe.ingest.protocol': protocol, 'sloe.ingest.series': series.length }, () => {
        const result = appender.append(series, protocol);
        metrics.recordAppend(protocol, result);
        return result;
      });
    },
    ...(appender.appendGroup === undefined
      ? {}
      : {
          appendGroup(requests) {
            return withSpan('ingest.append', { 'sloe.ingest.requests': requests.length }, () => {
              const results = appender.appendGroup!(requests);
              results.forEach((result, i) => metrics.recordAppend(requests[i]!.protocol, result));
              return results;
            });
          },
        }),
  };
}

const DECISIONS = new Set<string>(['allow', 'warn', 'deny']);

/** Counts journal entries as they are written: gate decisions by outcome (kind `decision`, data `{ decision }`). */
export function instrumentJournal(journal: Journal, metrics: SelfMetrics): Journal {
  return {
    query: (kind, query) => journal.query(kind, query),
    append(kind, entry) {
      const id = journal.append(kind, entry);
      if (kind === 'decision') {
        const decision = (entry.data as { decision?: unknown } | null)?.decision;
        if (typeof decision === 'string' && DECISIONS.has(decision)) metrics.recordDecision(decision as GateDecision);
      }
      return id;
    },
  };
}

/** The shape of a notifier as far as counting is concerned (structural, so telemetry does not import notify). */
export interface CountableNotifier<N> {
  readonly name: string;
  send(notification: N): Promise<{ readonly outcome: string }>;
}

const NOTIFY_OUTCOMES: Readonly<Record<string, NotificationOutcome>> = { delivered: 'sent', retry: 'retried', rejected: 'failed' };

/** Counts each delivery attempt by receiver and outcome (sent, retried, failed); a thrown send counts as failed. */
export function instrumentNotifier<N, T extends CountableNotifier<N>>(notifier: T, metrics: SelfMetrics): T {
  const send = async (notification: N): Promise<{ readonly outcome: string }> => {
    try {
      const result = await notifier.send(notification);
      metrics.recordNotification(notifier.name, NOTIFY_OUTCOMES[result.outcome] ?? 'failed');
      return result;
    } catch (error) {
      metrics.recordNotification(notifier.name, 'failed');
      throw error;
    }
  };
  return new Proxy(notifier, { get: (target, property, receiver) => (property === 'send' ? send : Reflect.get(target, property, receiver) as unknown) });
}

/** One evaluation cycle as the engine component reports it (structural, so telemetry does not import the engine). */
export interface CycleTiming {
  readonly startedAt: number;
  readonly cycleMs: number;
  /** The engine's evaluation alone (pull, fold, slices, evaluate, persist). */
  readonly durationMs: number;
  readonly stages: readonly TimedStage[];
  readonly statuses: readonly unknown[];
  readonly transitions: readonly unknown[];
}

/**
 * Records one cycle: the evaluation's duration and outcome (`sloe_evaluation_duration_seconds`, kept for dashboards
 * made before stages existed), each stage's duration (`sloe_cycle_stage_duration_seconds{stage}`), and a `sloe.cycle`
 * span with a child span per stage.
 */
export function observeCycle(metrics: SelfMetrics, cycle: CycleTiming): void {
  metrics.recordEvaluation(cycle.durationMs / 1000, true);
  metrics.recordStages(cycle.stages);
  recordCycleSpans(cycle.startedAt, cycle.cycleMs, cycle.stages, { 'sloe.objectives': cycle.statuses.length, 'sloe.transitions': cycle.transitions.length });
}
