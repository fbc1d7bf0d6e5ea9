import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { AppendResult, IngestProtocol } from '../core/index.js';
import type { DecodeStats } from './decoded.js';

/** The ingest path's own metrics, registered in the registry the daemon serves on /metrics. */
export class IngestMetrics {
  readonly requests: Counter<'protocol' | 'code'>;
  readonly samplesReceived: Counter<'protocol'>;
  readonly samplesApplied: Counter<'protocol'>;
  readonly samplesDropped: Counter<'protocol' | 'reason'>;
  readonly requestSeconds: Histogram<'protocol'>;
  readonly inFlight: Gauge;
  readonly scrapes: Counter<'job' | 'outcome'>;

  constructor(registry: Registry = new Registry()) {
    const registers = [registry];
    this.requests = new Counter({ name: 'sloe_ingest_requests_total', help: 'Ingest requests by protocol and HTTP status.', labelNames: ['protocol', 'code'], registers });
    this.samplesReceived = new Counter({ name: 'sloe_ingest_samples_received_total', help: 'Samples received, every series of every accepted request.', labelNames: ['protocol'], registers });
    this.samplesApplied = new Counter({ name: 'sloe_ingest_samples_applied_total', help: 'Samples some SLI needed, applied to the engine.', labelNames: ['protocol'], registers });
    this.samplesDropped = new Counter({ name: 'sloe_ingest_samples_dropped_total', help: 'Samples dropped, by reason (unmatched, invalid, duplicate, out_of_order, cardinality_limit).', labelNames: ['protocol', 'reason'], registers });
    this.requestSeconds = new Histogram({ name: 'sloe_ingest_request_duration_seconds', help: 'Time from a write request arriving to its answer.', labelNames: ['protocol'], buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5], registers });
    this.inFlight = new Gauge({ name: 'sloe_ingest_in_flight_requests', help: 'Write requests being received or decoded.', registers });
    this.scrapes = new Counter({ name: 'sloe_scrapes_total', help: 'Scrapes by job and outcome (success, failure).', labelNames: ['job', 'outcome'], registers });
  }

  /** Counts one request's samples: what the decoder dropped early and what the engine applied or dropped. */
  recordSamples(protocol: IngestProtocol, stats: DecodeStats, result: AppendResult | undefined): void {
    this.samplesReceived.inc({ protocol }, stats.samples);
    if (stats.unmatched > 0) this.samplesDropped.inc({ protocol, reason: 'unmatched' }, stats.unmatched);
    if (stats.invalid > 0) this.samplesDropped.inc({ protocol, reason: 'invalid' }, stats.invalid);
    if (result === undefined) return;
    this.samplesApplied.inc({ protocol }, result.applied);
    for (const [reason, count] of Object.entries(result.dropped)) if (count > 0) this.samplesDropped.inc({ protocol, reason }, count);
  }
}
