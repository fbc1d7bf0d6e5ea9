import type { RemoteCounts, RemoteSliQuery } from '../core/index.js';
import { SloeError } from '../core/index.js';
import { PrometheusClient } from './client.js';
import type { ClientOptions, SourceConfig } from './client.js';
import { countQueries } from './promql.js';

export interface SourceEntry extends SourceConfig {
  /** The source SLIs without a named source use; the first configured one when none is marked. */
  readonly default?: boolean;
}

/**
 * The engine's RemoteCounts through Prometheus-compatible query APIs: each SLI's good and total events over a window
 * are `sum(increase(...[w]))` queries (or their equivalent for latency and threshold SLIs) asked of the SLI's source,
 * so remote SLIs feed the same budget math. A source that is down or slow rejects with the reason, which the engine
 * reports as the SLO's nodata reason.
 */
export class SourceRemoteCounts implements RemoteCounts {
  private readonly clients = new Map<string, PrometheusClient>();
  private readonly defaultName: string | undefined;

  constructor(sources: readonly SourceEntry[], options: ClientOptions = {}) {
    for (const source of sources) {
      if (this.clients.has(source.name)) throw new SloeError('config_invalid', `source ${source.name} is configured twice`);
      this.clients.set(source.name, new PrometheusClient(source, options));
    }
    this.defaultName = (sources.find((source) => source.default) ?? sources[0])?.name;
  }

  async counts(query: RemoteSliQuery, window: number, now: number): Promise<{ good: number; total: number }> {
    const name = query.source ?? this.defaultName;
    const client = name === undefined ? undefined : this.clients.get(name);
    if (!client) throw new SloeError('source_unknown', name === undefined ? 'no query source is configured' : `no configured source is named ${name}`);
    const queries = countQueries(query.sli, window, query.threshold);
    const sum = async (promql: string) => (await client.instant(promql, now)).reduce((total, sample) => total + (Number.isFinite(sample.value) ? sample.value : 0), 0);
    if (queries.ratio) {
      const samples = await client.instant(queries.total, now);
      if (samples.length === 0) return { good: 0, total: 0 };
      const ratio = samples[0]!.value;
      if (!Number.isFinite(ratio)) return { good: 0, total: 0 };
      // A ratio has no event counts: it is reported as one event, good to the extent of the ratio.
      return { good: queries.ratio === 'good' ? ratio : 1 - ratio, total: 1 };
    }
    const [total, side] = await Promise.all([sum(queries.total), sum((queries.good ?? queries.bad)!)]);
    const good = queries.good !== undefined ? side : total - side;
    return { good: Math.max(0, Math.min(good, total)), total };
  }
}
