import type { AppendResult, IncomingSeries, IngestProtocol, SampleAppender } from '../../src/core/index.js';

export interface RecordedSample {
  labels: Record<string, string>;
  timestamp: number;
  value: number;
  protocol: IngestProtocol;
  temporality?: IncomingSeries['temporality'];
  startTimeMs?: number;
}

/**
 * A SampleAppender for tests: keeps what it is given, with the engine's documented rules for what counts (a
 * sample at or before its series' last timestamp is a duplicate; series beyond `maxSeries` hit the cardinality limit).
 */
export class RecordingAppender implements SampleAppender {
  readonly samples: RecordedSample[] = [];
  readonly appendCalls: number[] = [];
  private readonly last = new Map<string, number>();
  /** When set, append throws it (a store failure). */
  failWith: Error | undefined;

  constructor(
    private readonly metrics: readonly string[] | ((name: string) => boolean),
    private readonly maxSeries = Number.POSITIVE_INFINITY,
  ) {}

  wantsMetric(name: string): boolean {
    return typeof this.metrics === 'function' ? this.metrics(name) : this.metrics.includes(name);
  }

  append(series: readonly IncomingSeries[], protocol: IngestProtocol): AppendResult {
    if (this.failWith) throw this.failWith;
    this.appendCalls.push(series.length);
    const dropped: Record<string, number> = {};
    const drop = (reason: string, count: number) => (dropped[reason] = (dropped[reason] ?? 0) + count);
    let received = 0;
    let applied = 0;
    for (const one of series) {
      received += one.values.length;
      const name = one.labels.__name__ ?? '';
      if (!this.wantsMetric(name)) {
        drop('unmatched', one.values.length);
        continue;
      }
      const key = JSON.stringify(Object.entries(one.labels).sort());
      if (!this.last.has(key) && this.last.size >= this.maxSeries) {
        drop('cardinality_limit', one.values.length);
        continue;
      }
      for (let i = 0; i < one.values.length; i++) {
        const timestamp = one.timestamps[i]!;
        const lastSeen = this.last.get(key);
        if (lastSeen !== undefined && timestamp <= lastSeen) {
          drop(timestamp === lastSeen ? 'duplicate' : 'out_of_order', 1);
          continue;
        }
        this.last.set(key, timestamp);
        applied++;
        this.samples.push({
          labels: { ...one.labels },
          timestamp,
          value: one.values[i]!,
          protocol,
          ...(one.temporality === undefined ? {} : { temporality: one.temporality }),
          ...(one.startTimeMs === undefined ? {} : { startTimeMs: one.startTimeMs }),
        });
      }
    }
    return { received, applied, dropped };
  }

  /** Sum of the latest value of every recorded series matching the labels (a cumulative counter's current total). */
  latest(match: Record<string, string>): number {
    const latestByKey = new Map<string, number>();
    for (const sample of this.samples) {
      if (!Object.entries(match).every(([k, v]) => sample.labels[k] === v)) continue;
      latestByKey.set(JSON.stringify(Object.entries(sample.labels).sort()), sample.value);
    }
    return [...latestByKey.values()].reduce((a, b) => a + b, 0);
  }
}
