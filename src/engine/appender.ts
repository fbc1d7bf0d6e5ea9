import type { AppendRequest, AppendResult, EngineStore, IncomingSeries, IngestProtocol, SampleAppender, SeriesState, Term, TermIncrease } from '../core/index.js';
import { FINE_BUCKET_MS, MatcherIndex } from '../core/index.js';
import { DROP_REASONS, advanceSeries, copyState } from './counter.js';
import type { MutableSeriesState, Temporality } from './counter.js';
import type { GroupRegistry } from './groups.js';
import { seriesKey } from './series-key.js';
import type { TermSeries } from './term-series.js';

export interface AppenderOptions {
  readonly store: EngineStore;
  readonly terms: readonly Term[];
  /** The in-memory series of each term, fed after each commit. */
  readonly series: ReadonlyMap<string, TermSeries>;
  /** Most series one term accepts; new series beyond it are dropped (`cardinality_limit`). */
  readonly seriesLimitPerTerm: number;
  /** Samples more than this far ahead of the clock are refused (`invalid`): they would push old buckets out. */
  readonly maxFuture: number;
  readonly clock: () => number;
  /** Series states read from the store at start. */
  readonly states: readonly SeriesState[];
  /** Grouped SLOs' groups: a series of a split term also adds its events to its group's buckets. */
  readonly groups?: GroupRegistry;
}

/** Where a series' events of one term also go: its group's keys under every grouping of the term. */
interface GroupTargets {
  readonly version: number;
  readonly targets: readonly { readonly term: Term; readonly key: string }[];
}

type Dropped = Record<string, number>;

/** What one group commit is building: shared by its requests, applied to memory only once it is committed. */
interface GroupWork {
  /** The group's copy of each series' state it touched. */
  readonly pending: Map<string, MutableSeriesState>;
  readonly newSeries: Map<string, readonly Term[]>;
  readonly newCounts: Map<string, number>;
  /** term key -> fine bucket start -> increase */
  readonly increases: Map<string, Map<number, number>>;
  readonly latestAllowed: number;
}

/**
 * Turns ingested samples into term increases: only the series some term matches are looked at, increases are summed
 * in memory per (term, minute), and each group of requests is one store commit (one log entry), committed before it
 * returns. Memory is updated only after the commit, so a failed write changes nothing. Per sample the hot path looks
 * up the series and advances the group's copy of its state in place: no allocation per sample.
 */
export class Appender implements SampleAppender {
  private readonly index: MatcherIndex;
  private readonly states = new Map<string, SeriesState>();
  /** Which series each term has accepted, for the cardinality limit. */
  private readonly termSeriesCount = new Map<string, number>();
  private readonly seriesTerms = new Map<string, readonly Term[]>();
  private readonly seriesGroups = new Map<string, GroupTargets>();
  private totals = { received: 0, applied: 0, dropped: {} as Dropped };

  constructor(private readonly options: AppenderOptions) {
    this.index = new MatcherIndex(options.terms);
    for (const state of options.states) {
      this.states.set(state.key, state);
      const labels = parseSeriesKey(state.key);
      if (!labels) continue;
      const terms = this.index.match(labels);
      if (terms.length === 0) continue;
      this.seriesTerms.set(state.key, terms);
      for (const term of terms) this.termSeriesCount.set(term.key, (this.termSeriesCount.get(term.key) ?? 0) + 1);
      // A restart finds the groups again from the series it knew, so they are there before new samples arrive.
      this.groupTargets(state.key, labels, terms);
    }
  }

  /** The group keys a series' events go to besides its terms; worked out once per series while no group changes. */
  private groupTargets(key: string, labels: Readonly<Record<string, string>>, terms: readonly Term[]): GroupTargets['targets'] {
    const groups = this.options.groups;
    if (!groups || !terms.some((term) => groups.grouped(term.key))) return NO_TARGETS;
    const cached = this.seriesGroups.get(key);
    if (cached && cached.version === groups.version) return cached.targets;
    const targets: { term: Term; key: string }[] = [];
    for (const term of terms) for (const target of groups.targets(term.key, labels)) targets.push({ term, key: target });
    this.seriesGroups.set(key, { version: groups.version, targets });
    return targets;
  }

  wantsMetric(name: string): boolean {
    return this.index.wantsMetric(name);
  }

  /** Totals since start, for self-telemetry. */
  counters(): { received: number; applied: number; dropped: Readonly<Dropped> } {
    return this.totals;
  }

  append(batch: readonly IncomingSeries[], protocol: IngestProtocol): AppendResult {
    return this.appendGroup([{ series: batch, protocol }])[0]!;
  }

  appendGroup(requests: readonly AppendRequest[]): AppendResult[] {
    const work: GroupWork = {
      pending: new Map(),
      newSeries: new Map(),
      newCounts: new Map(),
      increases: new Map(),
      latestAllowed: this.options.clock() + this.options.maxFuture,
    };
    const results = requests.map((request) => this.collect(request.series, work));

    const rows: TermIncrease[] = [];
    for (const [term, buckets] of work.increases) for (const [bucket, value] of buckets) rows.push({ term, bucket, value });
    this.options.store.commit(rows, [...work.pending.values()]);

    // Committed: now memory may follow.
    for (const [key, state] of work.pending) this.states.set(key, state);
    for (const [key, terms] of work.newSeries) {
      if (!work.pending.has(key)) continue;
      this.seriesTerms.set(key, terms);
      for (const term of terms) this.termSeriesCount.set(term.key, (this.termSeriesCount.get(term.key) ?? 0) + 1);
    }
    for (const row of rows) this.options.series.get(row.term)?.add(row.bucket, row.value);

    for (const result of results) {
      this.totals.received += result.received;
      this.totals.applied += result.applied;
      for (const [reason, n] of Object.entries(result.dropped)) this.totals.dropped[reason] = (this.totals.dropped[reason] ?? 0) + n;
    }
    return results;
  }

  /** One request's series into the group's work; returns what became of its samples. */
  private collect(batch: readonly IncomingSeries[], work: GroupWork): AppendResult {
    const dropped: Dropped = {};
    const drop = (reason: string, count = 1): void => {
      dropped[reason] = (dropped[reason] ?? 0) + count;
    };
    let received = 0;
    let applied = 0;
    for (const series of batch) {
      const count = Math.min(series.timestamps.length, series.values.length);
      received += count;
      if (series.timestamps.length !== series.values.length) drop('invalid', Math.abs(series.timestamps.length - series.values.length));
      const name = series.labels.__name__;
      if (name === undefined || !this.index.wantsMetric(name)) {
        drop('unmatched', count);
        continue;
      }
      const key = seriesKey(series.labels);
      let terms = this.seriesTerms.get(key) ?? work.newSeries.get(key);
      if (terms === undefined) {
        const matched = this.index.match(series.labels);
        if (matched.length === 0) {
          drop('unmatched', count);
          continue;
        }
        const admitted = matched.filter((term) => (this.termSeriesCount.get(term.key) ?? 0) + (work.newCounts.get(term.key) ?? 0) < this.options.seriesLimitPerTerm);
        if (admitted.length === 0) {
          drop('cardinality_limit', count);
          continue;
        }
        for (const term of admitted) work.newCounts.set(term.key, (work.newCounts.get(term.key) ?? 0) + 1);
        work.newSeries.set(key, admitted);
        terms = admitted;
      }
      // A series only gauge terms read is a level whatever the protocol says (remote write does not say).
      const temporality: Temporality = terms.every((term) => term.kind === 'gauge') ? 'gauge' : (series.temporality ?? 'cumulative');
      const startTime = series.startTimeMs ?? 0;
      const startTimes = series.startTimesMs;
      const groupTargets = this.groupTargets(key, series.labels, terms);
      let state = work.pending.get(key);
      let seen = true;
      if (state === undefined) {
        const committed = this.states.get(key);
        seen = committed !== undefined;
        state = committed === undefined ? { key, lastTimestamp: 0, lastValue: 0, startTime: 0 } : copyState(committed);
      }
      let advanced = false;
      for (let i = 0; i < count; i++) {
        const timestamp = series.timestamps[i]!;
        const value = series.values[i]!;
        if (timestamp > work.latestAllowed) {
          drop('invalid');
          continue;
        }
        const increase = advanceSeries(state, seen, timestamp, value, temporality, (startTimes === undefined ? 0 : startTimes[i]) || startTime);
        if (increase < 0) {
          drop(DROP_REASONS[increase] ?? 'invalid');
          continue;
        }
        applied++;
        seen = true;
        advanced = true;
        const bucket = bucketOf(timestamp);
        for (const term of terms) {
          const events = term.kind === 'counter' ? increase : gaugeEvents(term, value);
          if (events === 0) continue;
          let buckets = work.increases.get(term.key);
          if (!buckets) work.increases.set(term.key, (buckets = new Map<number, number>()));
          buckets.set(bucket, (buckets.get(bucket) ?? 0) + events);
        }
        for (const target of groupTargets) {
          const events = target.term.kind === 'counter' ? increase : gaugeEvents(target.term, value);
          if (events === 0) continue;
          let buckets = work.increases.get(target.key);
          if (!buckets) work.increases.set(target.key, (buckets = new Map<number, number>()));
          buckets.set(bucket, (buckets.get(bucket) ?? 0) + events);
        }
      }
      if (advanced) work.pending.set(key, state);
    }
    return { received, applied, dropped };
  }
}

/**
 * The fine bucket a sample at `timestamp` lands in. Bucket b holds the time (b, b + 1 min], as a range vector
 * (t - w, t] does, so a window ending at an evaluation time includes the sample taken at that very time.
 */
export function bucketOf(timestamp: number): number {
  const before = timestamp - 1;
  return before - (((before % FINE_BUCKET_MS) + FINE_BUCKET_MS) % FINE_BUCKET_MS);
}

const NO_TARGETS: GroupTargets['targets'] = [];

function gaugeEvents(term: Term, value: number): number {
  const gauge = term.gauge;
  if (!gauge || gauge.mode === 'count') return 1;
  switch (gauge.op) {
    case 'lt':
      return value < gauge.threshold ? 1 : 0;
    case 'lte':
      return value <= gauge.threshold ? 1 : 0;
    case 'gt':
      return value > gauge.threshold ? 1 : 0;
    case 'gte':
      return value >= gauge.threshold ? 1 : 0;
  }
}

function parseSeriesKey(key: string): Record<string, string> | undefined {
  try {
    return Object.fromEntries(JSON.parse(key) as [string, string][]);
  } catch {
    return undefined;
  }
}
