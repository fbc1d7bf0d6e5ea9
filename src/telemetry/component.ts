import type { Component } from '../core/index.js';
import { observeCycle } from './instrument.js';
import type { CycleTiming } from './instrument.js';
import type { SelfMetrics } from './metrics.js';
import type { Tracing } from './tracing.js';

/** One evaluation cycle as the engine reports it to observers: what listeners get, plus its stages' timings. */
export type EvaluationTiming = CycleTiming;

export interface TelemetryComponent extends Component<never> {
  /** Counts and traces one cycle (`sloe_evaluation_*`, `sloe_cycle_stage_duration_seconds`, a `sloe.cycle` span). */
  observeEvaluation(report: EvaluationTiming, now: number): void;
  /** Counts an evaluation that failed (`sloe_evaluations_total{outcome="failure"}`). */
  observeFailure(): void;
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
    observeEvaluation(report) {
      observeCycle(metrics, report);
    },
    observeFailure() {
      metrics.evaluations.inc({ outcome: 'failure' });
    },
    afterEvaluation: (evaluation) => metrics.slosLoaded.set(evaluation.statuses.length),
    stop: () => tracing.shutdown(),
  };
}
