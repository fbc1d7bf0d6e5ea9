import type { AlertTransition, Component, SloStatus } from '../core/index.js';
import type { SelfMetrics } from './metrics.js';
import { recordSpan } from './tracing.js';
import type { Tracing } from './tracing.js';

/** One evaluation as the engine reports it to observers: what listeners get, plus how long it took. */
export interface EvaluationTiming {
  readonly statuses: readonly SloStatus[];
  readonly transitions: readonly AlertTransition[];
  readonly durationMs: number;
}

export interface TelemetryComponent extends Component<never> {
  /** Counts and traces one evaluation (`sloe_evaluation_*`, an `engine.evaluate` span). */
  observeEvaluation(report: EvaluationTiming, now: number): void;
}

/**
 * The daemon's self-observability as one part: evaluation timings and spans, the number of objectives in force
 * (`sloe_slos`, set from each evaluation so it follows reloads), and the trace exporter, stopped last so the spans of
 * shutdown itself are exported.
 */
export function createTelemetry(options: { readonly metrics: SelfMetrics; readonly tracing: Tracing }): TelemetryComponent {
  const { metrics, tracing } = options;
  return {
    name: 'telemetry',
    observeEvaluation(report, now) {
      metrics.recordEvaluation(report.durationMs / 1000, true);
      recordSpan('engine.evaluate', now, now + report.durationMs, { 'sloe.objectives': report.statuses.length, 'sloe.transitions': report.transitions.length });
    },
    afterEvaluation: (evaluation) => metrics.slosLoaded.set(evaluation.statuses.length),
    stop: () => tracing.shutdown(),
  };
}
