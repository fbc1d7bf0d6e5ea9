import type { AppendRequest, AppendResult, EngineStore, IncomingSeries, IngestProtocol, SampleAppender, SeriesState, Term, TermIncrease } from '../core/index.js';
import { FINE_BUCKET_MS, MatcherIndex } from '../core/index.js';
import { DROP_REASONS, advanceSeries } from './counter.js';
import type { Temporality } from './counter.js';
import { EncodedLabelTable } from './encoded-labels.js';
import type { GroupRegistry } from './groups.js';
import { seriesKey } from './series-key.js';
import type { TermSeries } from './term-series.js';
import { TrackedSeries } from './tracked-series.js';
import type { GroupTargets } from './tracked-series.js';

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
  /** Grouped SLOs' groups: a series of a split term also adds its events to its group's buckets. */
  readonly groups?: GroupRegistry;
}

type Dropped = Record<string, number>;

/** What one group commit is building: shared by its requests, applied to memory only once it is committed. */
interface GroupWork {
  /** Sequence number of the group, stamped on every series it touches. */
  readonly id: number;
  /** Every series the group touched (restored if the commit fails), and those it advanced (committed). */
  readonly touched: TrackedSeries[];
  readonly advanced: TrackedSeries[];
  /** Series first seen in this group, by key: registered only once committed. */
  readonly newSeries: Map<string, TrackedSeries>;
  readonly newCounts: Map<string, number>;
  /** Label encodings of the group's new series, filed once they are committed. */
  readonly newEncodings: { bytes: Uint8Array; series: TrackedSeries }[];
  /** term key -> fine bucket start -> increase */
  readonly increases: Map<string, Map<number, number>>;
  readonly latestAllowed: number;
}

/** One request's accounting. */
interface RequestTally {
  received: number;
  applied: number;
  readonly dropped: Dropped;
}

/**
 * Turns ingested samples into term increases: only the series some term matches are looked at, increases are summed
 * in memory per (term, minute), and each group of requests is one store commit (one log entry), committed before it
 * returns. Memory is updated only after the commit, so a failed write changes nothing.
 *
 * Each series some term reads is one TrackedSeries, found by its canonical key the first time and, for remote write,
 * by the bytes that encoded its labels after that (`encodedSeries`): a known series costs a hash and a byte compare
 * in the decoder, then its samples advance its state in place. No allocation per sample or per known series.
 */
export class Appender implements SampleAppender {
  private readonly index: MatcherIndex;
  private readonly byKey = new Map<string, TrackedSeries>();
  /** Decoders resolve known series here without building labels. */
  readonly encodedSeries = new EncodedLabelTable();
  /** Which series each term has accepted, for the cardinality limit. */
  private readonly termSeriesCount = new Map<string, number>();
  private groupSequence = 0;
  private totals = { received: 0, applied: 0, dropped: {} as Dropped };

  constructor(private readonly options: AppenderOptions) {
    this.index = new MatcherIndex(options.terms);
    // The store's states are read once here; the state passed in may be reused by the store, so only its fields are kept.
    const restore = (state: SeriesState): void => {
      const labels = parseSeriesKey(state.key);
      if (!labels) return;
      const terms = this.index.match(labels);
      if (terms.length === 0) return;
      const tracked = new TrackedSeries(state.key, terms, this);
      tracked.lastTimestamp = state.lastTimestamp;
      tracked.lastValue = state.lastValue;
      tracked.startTime = state.startTime;
      tracked.seen = true;
      this.byKey.set(state.key, tracked);
      for (const term of terms) this.termSeriesCount.set(term.key, (this.termSeriesCount.get(term.key) ?? 0) + 1);
      // A restart finds the groups again from the series it knew, so they are there before new samples arrive.
      this.groupTargets(tracked, labels);
    };
    if (options.store.visitSeriesStates) options.store.visitSeriesStates(restore);
    else for (const state of options.store.seriesStates()) restore(state);
  }

  /** The group keys a series' events go to besides its terms; worked out once per series while no group changes. */
  private groupTargets(tracked: TrackedSeries, labels?: Readonly<Record<string, string>>): GroupTargets['targets'] {
    const groups = this.options.groups;
    if (!groups) return NO_TARGETS;
    const cached = tracked.groupTargets;
    if (cached === NOT_GROUPED) return NO_TARGETS;
    if (cached && cached.version === groups.version) return cached.targets;
    // Which terms are split is fixed for the registry's life: a series none of whose terms is split never has targets,
    // and shares one record rather than two objects per series (200,000 at a 100k-SLO restart, issue 21).
    if (!tracked.terms.some((term) => groups.grouped(term.key))) {
      tracked.groupTargets = NOT_GROUPED;
      return NO_TARGETS;
    }
    const targets: { term: Term; key: string }[] = [];
    const known = labels ?? parseSeriesKey(tracked.key) ?? {};
    for (const term of tracked.terms) for (const target of groups.targets(term.key, known)) targets.push({ term, key: target });
    tracked.groupTargets = { version: groups.version, targets };
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
      id: ++this.groupSequence,
      touched: [],
      advanced: [],
      newSeries: new Map(),
      newCounts: new Map(),
      newEncodings: [],
      increases: new Map(),
      latestAllowed: this.options.clock() + this.options.maxFuture,
    };
    const rows: TermIncrease[] = [];
    let results: AppendResult[];
    try {
      results = requests.map((request) => this.collect(request, work));
      for (const [term, buckets] of work.increases) for (const [bucket, value] of buckets) rows.push({ term, bucket, value });
      this.options.store.commit(rows, work.advanced);
    } catch (error) {
      // Nothing of the group is durable: every series it advanced goes back to its committed state.
      for (const tracked of work.touched) tracked.restore();
      throw error;
    }

    // Committed: now memory may follow.
    for (const [key, tracked] of work.newSeries) {
      if (!tracked.advanced) continue;
      this.byKey.set(key, tracked);
      for (const term of tracked.terms) this.termSeriesCount.set(term.key, (this.termSeriesCount.get(term.key) ?? 0) + 1);
    }
    for (const { bytes, series } of work.newEncodings) if (series.advanced) this.encodedSeries.remember(bytes, series);
    for (const row of rows) this.options.series.get(row.term)?.add(row.bucket, row.value);

    for (const result of results) {
      this.totals.received += result.received;
      this.totals.applied += result.applied;
      for (const [reason, n] of Object.entries(result.dropped)) this.totals.dropped[reason] = (this.totals.dropped[reason] ?? 0) + n;
    }
    return results;
  }

  /** One request's series into the group's work; returns what became of its samples. */
  private collect(request: AppendRequest, work: GroupWork): AppendResult {
    const tally: RequestTally = { received: 0, applied: 0, dropped: {} };
    for (const series of request.series) {
      const count = Math.min(series.timestamps.length, series.values.length);
      tally.received += count;
      if (series.timestamps.length !== series.values.length) drop(tally, 'invalid', Math.abs(series.timestamps.length - series.values.length));
      const tracked = this.resolve(series.labels, series.encodedLabels, work, tally, count);
      if (tracked === undefined) continue;
      const temporality: Temporality = tracked.gaugeOnly ? 'gauge' : (series.temporality ?? 'cumulative');
      const startTime = series.startTimeMs ?? 0;
      const startTimes = series.startTimesMs;
      const groupTargets = this.groupTargets(tracked, series.labels);
      for (let i = 0; i < count; i++) {
        this.applySample(tracked, groupTargets, series.timestamps[i]!, series.values[i]!, temporality, (startTimes === undefined ? 0 : startTimes[i]) || startTime, work, tally);
      }
    }
    const known = request.known;
    if (known !== undefined) {
      tally.received += known.length;
      for (let i = 0; i < known.length; i++) {
        const handle = known.series[i]!;
        // A handle from the appender a reload replaced is found again by its key.
        const tracked = handle instanceof TrackedSeries && handle.owner === this ? handle : this.resolveByKey(handle.key, work, tally);
        if (tracked === undefined) continue;
        this.applySample(tracked, this.groupTargets(tracked), known.timestamps[i]!, known.values[i]!, tracked.gaugeOnly ? 'gauge' : 'cumulative', 0, work, tally);
      }
    }
    return tally;
  }

  private resolveByKey(key: string, work: GroupWork, tally: RequestTally): TrackedSeries | undefined {
    const tracked = this.byKey.get(key) ?? work.newSeries.get(key);
    if (tracked !== undefined) return tracked;
    const labels = parseSeriesKey(key);
    if (labels !== undefined) return this.resolve(labels, undefined, work, tally, 1);
    drop(tally, 'invalid');
    return undefined;
  }

  /**
   * The tracked series of a labelled series, made (and admitted under the cardinality limit) on first sight; undefined
   * when no term reads it, its `count` samples then dropped. Files its label encoding when the decoder sent one.
   */
  private resolve(labels: Readonly<Record<string, string>>, encoded: Uint8Array | undefined, work: GroupWork, tally: RequestTally, count: number): TrackedSeries | undefined {
    const name = labels.__name__;
    if (name === undefined || !this.index.wantsMetric(name)) {
      drop(tally, 'unmatched', count);
      return undefined;
    }
    const key = seriesKey(labels);
    const committed = this.byKey.get(key);
    if (committed !== undefined) {
      if (encoded !== undefined) this.encodedSeries.remember(encoded, committed);
      return committed;
    }
    let tracked = work.newSeries.get(key);
    if (tracked === undefined) {
      const matched = this.index.match(labels);
      if (matched.length === 0) {
        // No term reads it, whatever happens to this group: the decoder may drop it unread from now on.
        if (encoded !== undefined) this.encodedSeries.remember(encoded, null);
        drop(tally, 'unmatched', count);
        return undefined;
      }
      const admitted = matched.filter((term) => (this.termSeriesCount.get(term.key) ?? 0) + (work.newCounts.get(term.key) ?? 0) < this.options.seriesLimitPerTerm);
      if (admitted.length === 0) {
        drop(tally, 'cardinality_limit', count);
        return undefined;
      }
      for (const term of admitted) work.newCounts.set(term.key, (work.newCounts.get(term.key) ?? 0) + 1);
      tracked = new TrackedSeries(key, admitted, this);
      work.newSeries.set(key, tracked);
    }
    if (encoded !== undefined) work.newEncodings.push({ bytes: encoded, series: tracked });
    return tracked;
  }

  /** One sample into the group's work: the series advanced in place, its increase added to its terms' minute. */
  private applySample(tracked: TrackedSeries, groupTargets: GroupTargets['targets'], timestamp: number, value: number, temporality: Temporality, startTime: number, work: GroupWork, tally: RequestTally): void {
    if (tracked.group !== work.id) {
      tracked.enterGroup(work.id);
      work.touched.push(tracked);
    }
    if (timestamp > work.latestAllowed) {
      drop(tally, 'invalid');
      return;
    }
    const increase = advanceSeries(tracked, tracked.seen, timestamp, value, temporality, startTime);
    if (increase < 0) {
      drop(tally, DROP_REASONS[increase] ?? 'invalid');
      return;
    }
    tally.applied++;
    tracked.seen = true;
    if (!tracked.advanced) {
      tracked.advanced = true;
      work.advanced.push(tracked);
    }
    const bucket = bucketOf(timestamp);
    for (const term of tracked.terms) {
      const events = term.kind === 'counter' ? increase : gaugeEvents(term, value);
      if (events !== 0) addIncrease(work.increases, term.key, bucket, events);
    }
    for (const target of groupTargets) {
      const events = target.term.kind === 'counter' ? increase : gaugeEvents(target.term, value);
      if (events !== 0) addIncrease(work.increases, target.key, bucket, events);
    }
  }
}

function drop(tally: RequestTally, reason: string, count = 1): void {
  tally.dropped[reason] = (tally.dropped[reason] ?? 0) + count;
}

function addIncrease(increases: Map<string, Map<number, number>>, term: string, bucket: number, events: number): void {
  let buckets = increases.get(term);
  if (!buckets) increases.set(term, (buckets = new Map<number, number>()));
  buckets.set(bucket, (buckets.get(bucket) ?? 0) + events);
}

/**
 * The fine bucket a sample at `timestamp` lands in. Bucket b holds the time (b, b + 1 min], as a range vector
 * (t - w, t] does, so a window ending at an evaluation time includes the sample taken at that very time.
 */
export function bucketOf(timestamp: number): number {
  const before = timestamp - 1;
  return before - (((before % FINE_BUCKET_MS) + FINE_BUCKET_MS) % FINE_BUCKET_MS);
}

const NO_TARGETS: GroupTargets['targets'] = Object.freeze([]);
/** The targets of every series none of whose terms is split by a group (see `groupTargets`). */
const NOT_GROUPED: GroupTargets = Object.freeze({ version: -1, targets: NO_TARGETS });

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

/**
 * The labels of a canonical series key (`seriesKey`). Built by assignment in key order rather than
 * `Object.fromEntries`: every key of one metric then shares one hidden class, and a restart parses every known key
 * (200,000 at 100k SLOs, issue 21).
 */
function parseSeriesKey(key: string): Record<string, string> | undefined {
  let pairs: unknown;
  try {
    pairs = JSON.parse(key);
  } catch {
    return undefined;
  }
  if (!Array.isArray(pairs)) return undefined;
  const labels: Record<string, string> = {};
  for (const pair of pairs as unknown[]) {
    if (!Array.isArray(pair)) return undefined;
    const [name, value] = pair as [string, string];
    // A label may be called `__proto__`: assigning it would set the prototype, so such a key is built as own entries.
    if (name === '__proto__') return Object.fromEntries(pairs as [string, string][]);
    labels[name] = value;
  }
  return labels;
}
