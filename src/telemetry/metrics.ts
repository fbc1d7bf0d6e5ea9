import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { AppendResult, GateDecision, IngestProtocol } from '../core/index.js';
import { RequestSeries } from './request-series.js';

const GATE_DECISIONS: readonly GateDecision[] = ['allow', 'warn', 'deny'];

/** Outcomes of an attempted notification, as the notifiers report them. */
export type NotificationOutcome = 'sent' | 'failed' | 'dropped' | 'retried';

/**
 * sloe's own metrics, one per pipeline stage, on one registry that /metrics serves. Components are handed this object
 * (or the decorators in instrument.ts wrap their ports) so no adapter imports another. Names follow Prometheus's
 * conventions: a `sloe_` prefix, base units, `_total` on counters, `_seconds`/`_bytes` suffixes.
 */
export interface SelfMetrics {
  readonly registry: Registry;
  readonly ingestSamples: Counter<'protocol' | 'outcome'>;
  readonly ingestDroppedSamples: Counter<'protocol' | 'reason'>;
  readonly evaluationDuration: Histogram;
  readonly evaluations: Counter<'outcome'>;
  readonly cycleStageDuration: Histogram<'stage'>;
  readonly notifications: Counter<'receiver' | 'outcome'>;
  readonly gateDecisions: Counter<'decision'>;
  readonly storeSize: Gauge;
  readonly specsReload: Counter<'outcome'>;
  readonly configLastReloadSuccessful: Gauge;
  readonly configLastReloadSuccessTimestamp: Gauge;
  readonly slosLoaded: Gauge;
  /** `sloe_http_requests_total` and `sloe_http_request_duration_seconds`, written through writers bound per series. */
  readonly requests: RequestSeries;
  /** Counts an appender's result: applied and dropped samples, and the drops by reason. */
  recordAppend(protocol: IngestProtocol, result: AppendResult): void;
  recordDecision(decision: GateDecision): void;
  recordNotification(receiver: string, outcome: NotificationOutcome): void;
  /** Records the outcome of a spec reload (or the initial load) at `now` (Unix ms). */
  recordReload(success: boolean, now: number): void;
  /** Records one evaluation of every SLO the engine timed itself. */
  recordEvaluation(durationSeconds: number, success: boolean): void;
  /** Records how long each stage of one evaluation cycle took (`sloe_cycle_stage_duration_seconds{stage}`). */
  recordStages(stages: readonly { readonly stage: string; readonly durationMs: number }[]): void;
}

export interface SelfMetricsOptions {
  /** Size of the store in bytes, read when /metrics is scraped; undefined while there is no store. */
  readonly storeSizeBytes?: () => number | undefined;
  /** Include the process_* and nodejs_* default metrics (on in the daemon, off in unit tests). */
  readonly defaultMetrics?: boolean;
}

// Evaluation of every SLO should take milliseconds; the buckets reach 30 s so a pathological tick is still visible.
const EVALUATION_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
// A stage of a cycle can take microseconds (a quiet policy refresh) or seconds (a fold after a burst of ingest).
const STAGE_BUCKETS = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
const HTTP_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

export function createSelfMetrics(options: SelfMetricsOptions = {}): SelfMetrics {
  const registry = new Registry();
  if (options.defaultMetrics === true) {
    collectDefaultMetrics({ register: registry });
    // prom-client's gauges named `*_total` break Prometheus naming (promtool flags them); the same figures are kept
    // without the suffix (nodejs_active_handles, nodejs_active_requests, nodejs_active_resources).
    for (const name of ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total']) registry.removeSingleMetric(name);
  }
  const registers = [registry];
  // What reaches the engine through the appender (instrumentAppender). The ingest component counts requests and the
  // samples its decoders drop before the engine (sloe_ingest_requests_total, sloe_ingest_samples_*_total).
  const ingestSamples = new Counter({ name: 'sloe_ingest_samples_total', help: 'Samples handed to the engine, by protocol and outcome (applied: some SLI used it; dropped: see sloe_ingest_dropped_samples_total).', labelNames: ['protocol', 'outcome'] as const, registers });
  const ingestDroppedSamples = new Counter({ name: 'sloe_ingest_dropped_samples_total', help: 'Samples the engine dropped, by protocol and reason (unmatched, duplicate, out_of_order, cardinality_limit, invalid).', labelNames: ['protocol', 'reason'] as const, registers });
  const evaluationDuration = new Histogram({ name: 'sloe_evaluation_duration_seconds', help: 'Time one evaluation of every SLO took.', buckets: EVALUATION_BUCKETS, registers });
  // Every part of a cycle, so the work after evaluation (notifications, policy, reviews) shows beside the evaluation.
  const cycleStageDuration = new Histogram({
    name: 'sloe_cycle_stage_duration_seconds',
    help: 'Time each stage of an evaluation cycle took: pull, fold (ingested buckets settled), slices, evaluate, persist (alert state saved), then each part that works after an evaluation (notifications, policy, reviews, telemetry).',
    labelNames: ['stage'] as const,
    buckets: STAGE_BUCKETS,
    registers,
  });
  const evaluations = new Counter({ name: 'sloe_evaluations_total', help: 'Evaluations of every SLO, by outcome.', labelNames: ['outcome'] as const, registers });
  const notifications = new Counter({ name: 'sloe_notifications_total', help: 'Notifications by receiver and outcome (sent, failed, dropped, retried).', labelNames: ['receiver', 'outcome'] as const, registers });
  // Decisions are tallied in plain numbers and folded into the counter when it is read (its `collect`, which the
  // registry calls on every scrape and `get()`): prom-client hashes the label set on every `inc`, even through a
  // child, and the gate counts one decision per answer (bench/gate/NOTES.md). The exposition is the counter's own.
  const decisionTallies: Record<GateDecision, number> = { allow: 0, warn: 0, deny: 0 };
  const gateDecisions = new Counter({
    name: 'sloe_gate_decisions_total',
    help: 'Gate decisions by outcome (allow, warn, deny).',
    labelNames: ['decision'] as const,
    registers,
    collect() {
      for (const decision of GATE_DECISIONS) {
        if (decisionTallies[decision] === 0) continue;
        this.inc({ decision }, decisionTallies[decision]);
        decisionTallies[decision] = 0;
      }
    },
  });
  const storeSize = new Gauge({
    name: 'sloe_store_size_bytes',
    help: 'Size of the store on disk (database and write-ahead log).',
    registers,
    collect() {
      const bytes = options.storeSizeBytes?.();
      if (bytes !== undefined) this.set(bytes);
    },
  });
  const specsReload = new Counter({ name: 'sloe_specs_reload_total', help: 'Loads of the spec and policy set (startup, SIGHUP, POST /-/reload), by outcome (success, failure).', labelNames: ['outcome'] as const, registers });
  const configLastReloadSuccessful = new Gauge({ name: 'sloe_config_last_reload_successful', help: 'Whether the last spec reload succeeded (1) or was refused (0), in which case the previous set is still in force.', registers });
  const configLastReloadSuccessTimestamp = new Gauge({ name: 'sloe_config_last_reload_success_timestamp_seconds', help: 'Time of the last successful spec load.', registers });
  const slosLoaded = new Gauge({ name: 'sloe_slos', help: 'SLO objectives in the set in force.', registers });
  const requests = new RequestSeries(
    registry,
    { requests: 'sloe_http_requests_total', duration: 'sloe_http_request_duration_seconds' },
    { requests: 'HTTP requests by method, route pattern and status code.', duration: 'HTTP request latency by method and route pattern.' },
    HTTP_BUCKETS,
  );
  for (const outcome of ['success', 'failure']) specsReload.inc({ outcome }, 0);
  for (const decision of GATE_DECISIONS) gateDecisions.inc({ decision }, 0);

  return {
    registry,
    ingestSamples,
    ingestDroppedSamples,
    evaluationDuration,
    evaluations,
    cycleStageDuration,
    notifications,
    gateDecisions,
    storeSize,
    specsReload,
    configLastReloadSuccessful,
    configLastReloadSuccessTimestamp,
    slosLoaded,
    requests,
    recordAppend(protocol, result) {
      let dropped = 0;
      for (const [reason, count] of Object.entries(result.dropped)) {
        if (count <= 0) continue;
        ingestDroppedSamples.inc({ protocol, reason }, count);
        dropped += count;
      }
      if (result.applied > 0) ingestSamples.inc({ protocol, outcome: 'applied' }, result.applied);
      if (dropped > 0) ingestSamples.inc({ protocol, outcome: 'dropped' }, dropped);
    },
    recordDecision(decision) {
      decisionTallies[decision] += 1;
    },
    recordNotification(receiver, outcome) {
      notifications.inc({ receiver, outcome });
    },
    recordEvaluation(durationSeconds, success) {
      evaluationDuration.observe(durationSeconds);
      evaluations.inc({ outcome: success ? 'success' : 'failure' });
    },
    recordStages(stages) {
      for (const { stage, durationMs } of stages) cycleStageDuration.observe({ stage }, durationMs / 1000);
    },
    recordReload(success, now) {
      specsReload.inc({ outcome: success ? 'success' : 'failure' });
      configLastReloadSuccessful.set(success ? 1 : 0);
      if (success) configLastReloadSuccessTimestamp.set(now / 1000);
    },
  };
}
