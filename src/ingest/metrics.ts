import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { IngestProtocol } from '../core/index.js';
import type { DecodeStats } from './decoded.js';

/** The ingest path's own metrics, registered in the registry the daemon serves on /metrics. */
export class IngestMetrics {
  readonly requests: Counter<'protocol' | 'code'>;
  readonly samplesReceived: Counter<'protocol'>;
  readonly samplesPrefiltered: Counter<'protocol' | 'reason'>;
  readonly requestSeconds: Histogram<'protocol'>;
  readonly inFlight: Gauge;
  readonly scrapes: Counter<'job' | 'outcome'>;
  readonly commitGroupRequests: Histogram;

  constructor(registry: Registry = new Registry()) {
    const registers = [registry];
    this.requests = new Counter({ name: 'sloe_ingest_requests_total', help: 'Ingest requests by protocol and HTTP status.', labelNames: ['protocol', 'code'], registers });
    this.samplesReceived = new Counter({ name: 'sloe_ingest_received_samples_total', help: 'Samples in decoded requests, every series (what reached the engine is sloe_ingest_samples_total).', labelNames: ['protocol'], registers });
    this.samplesPrefiltered = new Counter({
      name: 'sloe_ingest_prefiltered_samples_total',
      help: 'Samples the decoders dropped before the engine: unmatched (no SLI reads the metric) or invalid (bad labels, no value).',
      labelNames: ['protocol', 'reason'],
      registers,
    });
    this.requestSeconds = new Histogram({ name: 'sloe_ingest_request_duration_seconds', help: 'Time from a write request arriving to its answer.', labelNames: ['protocol'], buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5], registers });
    this.inFlight = new Gauge({ name: 'sloe_ingest_in_flight_requests', help: 'Write requests being received or decoded.', registers });
    this.commitGroupRequests = new Histogram({ name: 'sloe_ingest_commit_group_requests', help: 'Write requests that shared one group commit.', buckets: [1, 2, 4, 8, 16, 32, 64], registers });
    this.scrapes = new Counter({ name: 'sloe_scrapes_total', help: 'Scrapes by job and outcome (success, failure).', labelNames: ['job', 'outcome'], registers });
  }

  /**
   * Counts one request's samples and what the decoder dropped before the engine. What the engine applied and dropped
   * (duplicates, cardinality limit) is counted where the daemon wraps the appender (sloe_ingest_samples_total).
   */
  recordSamples(protocol: IngestProtocol, stats: DecodeStats): void {
    this.samplesReceived.inc({ protocol }, stats.samples);
    if (stats.unmatched > 0) this.samplesPrefiltered.inc({ protocol, reason: 'unmatched' }, stats.unmatched);
    if (stats.invalid > 0) this.samplesPrefiltered.inc({ protocol, reason: 'invalid' }, stats.invalid);
  }
}
