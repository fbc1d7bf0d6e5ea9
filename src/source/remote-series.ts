import type { RangePoint, RemoteSeries, RemoteSliQuery, RemoteTermQuery, Term } from '../core/index.js';
import { SloeError, formatDuration, formatMatcher } from '../core/index.js';
import { PrometheusClient } from './client.js';
import type { ClientOptions } from './client.js';
import { countQueries } from './promql.js';
import type { SourceEntry } from './remote-counts.js';

/**
 * The engine's RemoteSeries through Prometheus-compatible query APIs. An SLI's sides become queries whose value at a
 * step t is the side's events in (t - step, t] (`sum(increase(SEL[1m]))` with a 1-minute step), and one range query
 * fetches every step since the last pull, so what a tick asks for is bounded by the time since the last tick, never by
 * the window's length.
 */
export class SourceRemoteSeries implements RemoteSeries {
  private readonly clients = new Map<string, PrometheusClient>();
  private readonly defaultName: string | undefined;

  constructor(sources: readonly SourceEntry[], options: ClientOptions = {}) {
    for (const source of sources) {
      if (this.clients.has(source.name)) throw new SloeError('config_invalid', `source ${source.name} is configured twice`);
      this.clients.set(source.name, new PrometheusClient(source, options));
    }
    this.defaultName = (sources.find((source) => source.default) ?? sources[0])?.name;
  }

  queries(query: RemoteSliQuery, stepMs: number): RemoteTermQuery[] {
    const source = this.sourceName(query.source);
    const queries = countQueries(query.sli, stepMs, query.threshold);
    if (queries.ratio) return [{ source, promql: queries.total, side: 'ratio', meaning: queries.ratio }];
    const sides: RemoteTermQuery[] = [{ source, promql: queries.total, side: 'total' }];
    if (queries.good !== undefined) sides.push({ source, promql: queries.good, side: 'good' });
    if (queries.bad !== undefined) sides.push({ source, promql: queries.bad, side: 'bad' });
    return sides;
  }

  termQuery(term: Term, stepMs: number, source: string): RemoteTermQuery {
    const name = this.sourceName(source);
    const plainName = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/.test(term.metric);
    const matchers = [...(plainName ? [] : [formatMatcher({ name: '__name__', op: '=', value: term.metric })]), ...term.matchers.map(formatMatcher)];
    const selector = `${plainName ? term.metric : ''}{${matchers.join(',')}}`;
    const step = formatDuration(stepMs);
    if (term.kind === 'counter') return { source: name, promql: `sum(increase(${selector}[${step}]))`, side: 'total' };
    // A gauge term counts samples, or the samples meeting its comparison, as the appender does with ingested ones.
    const gauge = term.gauge;
    const kept = gauge && gauge.mode === 'threshold' ? `(${selector} ${{ lt: '<', lte: '<=', gt: '>', gte: '>=' }[gauge.op]} ${gauge.threshold})` : selector;
    return { source: name, promql: `sum(count_over_time(${kept}[${step}]))`, side: 'total' };
  }

  async range(source: string, promql: string, start: number, end: number, stepMs: number): Promise<RangePoint[]> {
    const series = await this.client(source).range(promql, start, end, stepMs);
    // A sum() answers one series; anything else (a `by` clause kept in a raw query) is summed here, step by step.
    if (series.length === 1) return series[0]!.points.filter((point) => Number.isFinite(point.value));
    const byTime = new Map<number, number>();
    for (const one of series) for (const point of one.points) if (Number.isFinite(point.value)) byTime.set(point.t, (byTime.get(point.t) ?? 0) + point.value);
    return [...byTime].sort((a, b) => a[0] - b[0]).map(([t, value]) => ({ t, value }));
  }

  private sourceName(named: string | undefined): string {
    const name = named ?? this.defaultName;
    if (name === undefined) throw new SloeError('source_unknown', 'no query source is configured');
    if (!this.clients.has(name)) throw new SloeError('source_unknown', `no configured source is named ${name}`);
    return name;
  }

  private client(name: string): PrometheusClient {
    const client = this.clients.get(name);
    if (!client) throw new SloeError('source_unknown', `no configured source is named ${name}`);
    return client;
  }
}
