import type { RangeAnswer, RangePoint, RemoteSeries, RemoteSliQuery, RemoteTermQuery, Term } from '../core/index.js';
import { SloeError, formatDuration, formatMatcher } from '../core/index.js';
import { PrometheusClient } from './client.js';
import type { ClientOptions } from './client.js';
import { batchQueries, splitGroupAnswer } from './grouping.js';
import { countQueries } from './promql.js';
import type { SourceEntry } from './remote-counts.js';

export interface RemoteSeriesOptions extends ClientOptions {
  /** Most member queries one grouped query answers (the `pull.groupSize` key); 1 asks every query by itself. */
  readonly groupSize?: number;
}

/**
 * The group size when none is given (replay, tests); the daemon passes `pull.groupSize`, whose default in the config
 * table is the same. A 200-value regex is well inside what Prometheus, Thanos, Mimir and VictoriaMetrics accept.
 */
export const DEFAULT_GROUP_SIZE = 200;

/** Queries in flight to one source at once: a thousand SLOs must not open a thousand connections. */
const CONCURRENCY = 8;

/**
 * The engine's RemoteSeries through Prometheus-compatible query APIs. An SLI's sides become queries whose value at a
 * step t is the side's events in (t - step, t] (`sum(increase(SEL[1m]))` with a 1-minute step), and one range query
 * fetches every step since the last pull, so what a tick asks for is bounded by the time since the last tick, never by
 * the window's length.
 */
export class SourceRemoteSeries implements RemoteSeries {
  private readonly clients = new Map<string, PrometheusClient>();
  private readonly defaultName: string | undefined;
  private readonly groupSize: number;

  constructor(sources: readonly SourceEntry[], options: RemoteSeriesOptions = {}) {
    this.groupSize = options.groupSize ?? DEFAULT_GROUP_SIZE;
    if (!Number.isInteger(this.groupSize) || this.groupSize < 1) throw new SloeError('config_invalid', `pull.groupSize must be a whole number of at least 1, got ${this.groupSize}`);
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

  /**
   * Groups what it can (grouping.ts: one `sum by (label)` query per shape, split here per member), asks the rest one by
   * one, at most CONCURRENCY queries at a time. A group the source refuses (a limit on samples, series or query length
   * that its members alone stay under) is asked member by member instead; a group the source did not answer (down,
   * timed out) is every member's failure, since asking each again would only add load to a source in trouble.
   */
  async rangeMany(source: string, promqls: readonly string[], start: number, end: number, stepMs: number): Promise<RangeAnswer[]> {
    const answers: RangeAnswer[] = new Array<RangeAnswer>(promqls.length);
    const batches = batchQueries(promqls, this.groupSize);
    const alone = async (index: number): Promise<void> => {
      try {
        answers[index] = { points: await this.range(source, promqls[index]!, start, end, stepMs) };
      } catch (error) {
        answers[index] = { error: error as Error };
      }
    };
    const refusedMembers: number[] = [];
    const grouped = batches.groups.map((group) => async () => {
      try {
        const split = splitGroupAnswer(group, await this.client(source).range(group.promql, start, end, stepMs));
        for (const [index, points] of split) answers[index] = { points };
      } catch (error) {
        const members = [...group.members.values()].flat();
        if (error instanceof SloeError && error.code === 'source_query_failed') refusedMembers.push(...members);
        else for (const index of members) answers[index] = { error: error as Error };
      }
    });
    await runBounded([...grouped, ...batches.alone.map((index) => () => alone(index))], CONCURRENCY);
    await runBounded(refusedMembers.map((index) => () => alone(index)), CONCURRENCY);
    return answers;
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

/** Runs the tasks, at most `limit` at once, in order of the list. */
async function runBounded(tasks: readonly (() => Promise<void>)[], limit: number): Promise<void> {
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < tasks.length) await tasks[next++]!();
  };
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, lane));
}
