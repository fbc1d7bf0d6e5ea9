import type { AlertTransition, SloStatus } from './status.js';
import type { Labels, Sli, SpecSet, ThresholdOp, Window } from './model.js';
import type { Term } from './promql/types.js';

/** One series of incoming samples, in whatever protocol it arrived. Timestamps are Unix milliseconds. */
export interface IncomingSeries {
  readonly labels: Labels;
  readonly timestamps: ArrayLike<number>;
  readonly values: ArrayLike<number>;
  /**
   * How values accumulate. `cumulative` (default): a counter read the way Prometheus reads it.
   * `delta`: each value is an increase on its own (OTLP delta temporality). `gauge`: a level.
   */
  readonly temporality?: 'cumulative' | 'delta' | 'gauge';
  /** OTLP start time of a cumulative series (Unix ms): a later start time means the counter was reset. */
  readonly startTimeMs?: number;
  /**
   * Start time of each sample (Unix ms; 0 where a sample has none, which then uses `startTimeMs`): remote write 2.0
   * from rc.4 (Prometheus 3.8) sends one per sample.
   */
  readonly startTimesMs?: ArrayLike<number>;
  /**
   * The series' labels as the request encoded them (remote write 1.0: the bytes of its label fields), copied, when the
   * decoder could not find them in `SampleAppender.encodedSeries`: the appender files them under what it made of the
   * series, so the next request carrying the same bytes is resolved without building labels.
   */
  readonly encodedLabels?: Uint8Array;
}

/** A series the appender already knows, handed to decoders by `EncodedSeriesIndex`; opaque outside the appender. */
export interface KnownSeries {
  /** Canonical label text of the series (as `SeriesState.key`). */
  readonly key: string;
}

/**
 * Series the appender has seen, found by the bytes that encoded their labels, so a decoder builds no labels, key or
 * object for a series it has met before. A cache: forgetting an entry only costs the next request the slow path.
 */
export interface EncodedSeriesIndex {
  /**
   * The series whose labels were encoded as `body[start, end)`: a KnownSeries some SLI reads, `null` when no SLI
   * reads that series, `undefined` when not seen yet (the decoder then builds the labels and hands the bytes on).
   * The body is a DataView (one per request) so the index can hash and compare it four bytes at a time.
   */
  find(body: DataView, start: number, end: number): KnownSeries | null | undefined;
}

/**
 * Samples of known series, one entry per sample, in typed arrays a decoder fills without an object per sample or
 * series: sample i is (`series[i]`, `timestamps[i]`, `values[i]`) for i < `length`.
 */
export interface KnownSamples {
  readonly series: readonly KnownSeries[];
  readonly timestamps: Float64Array;
  readonly values: Float64Array;
  readonly length: number;
}

export type IngestProtocol = 'remote_write' | 'remote_write_v2' | 'otlp' | 'scrape';

export interface AppendResult {
  /** Samples in the request. */
  readonly received: number;
  /** Samples some SLI needed, and that were applied. */
  readonly applied: number;
  /** Samples dropped, by reason (`unmatched`, `duplicate`, `out_of_order`, `cardinality_limit`, `invalid`). */
  readonly dropped: Readonly<Record<string, number>>;
}

/**
 * The port through which every ingest protocol feeds the engine. `append` is synchronous and durable: when it returns,
 * its effect is committed, so the caller may acknowledge the request.
 */
export interface SampleAppender {
  /** A fast pre-filter for decoders: false means no SLI reads this metric name, so its labels need not be built. */
  wantsMetric(name: string): boolean;
  append(series: readonly IncomingSeries[], protocol: IngestProtocol): AppendResult;
  /**
   * Appends the series of several requests in one commit (group commit): one result per request, in order; when it
   * returns all of them are durable, and when it throws none is. Optional: ingest falls back to one append each.
   */
  appendGroup?(requests: readonly AppendRequest[]): AppendResult[];
  /** Finds known series by their encoded labels (see EncodedSeriesIndex); optional. */
  readonly encodedSeries?: EncodedSeriesIndex;
}

/** One request's series in a group commit. */
export interface AppendRequest {
  readonly series: readonly IncomingSeries[];
  /** Samples of series the decoder found in `encodedSeries`, besides `series`. */
  readonly known?: KnownSamples;
  readonly protocol: IngestProtocol;
}

/** The engine's latest evaluation, held in memory; gates and the API read it without touching storage. */
export interface StatusReader {
  latest(): readonly SloStatus[];
  get(name: string): SloStatus | undefined;
  /** A grouped SLO's groups, the least budget left first; undefined when no SLO has this name, empty when ungrouped. */
  groups?(name: string): readonly SloStatus[] | undefined;
}

export type TransitionListener = (transitions: readonly AlertTransition[]) => void;

/**
 * Durable small state, by namespace and key, stored as JSON: alert state, notifier delivery state, silences, freezes.
 * Synchronous: a put has been committed when it returns.
 */
export interface DocumentStore {
  get(namespace: string, key: string): unknown;
  put(namespace: string, key: string, value: unknown): void;
  delete(namespace: string, key: string): void;
  list(namespace: string): { key: string; value: unknown }[];
  /**
   * The namespaces starting with `prefix` that hold at least one document, in order: how a part finds state it no
   * longer has a name for (notify: the queue of a receiver removed from the configuration).
   */
  namespaces(prefix: string): string[];
}

export interface JournalEntry {
  readonly id: number;
  readonly kind: string;
  /** Unix ms. */
  readonly at: number;
  /** What the entry is about (an SLO, a service), for filtering. */
  readonly subject: string;
  readonly data: unknown;
}

export interface JournalQuery {
  readonly subject?: string;
  /** Unix ms, inclusive. */
  readonly since?: number;
  readonly until?: number;
  /** Entries with an id below this one (paging newest first). */
  readonly beforeId?: number;
  /**
   * `id` (the default): newest appended first. `at`: latest `at` first, ties by id, for entries written some time after
   * what they record (a gate decision's audit entry is appended when it closes, and its `at` is its last answer).
   */
  readonly order?: 'id' | 'at';
  /** Entries before this position in `at` order: an earlier `at`, or the same `at` and a lower id (paging by `at`). */
  readonly olderThan?: JournalPosition;
  readonly limit: number;
}

/** Where an entry stands in the journal's `at` order. */
export interface JournalPosition {
  /** Unix ms. */
  readonly at: number;
  readonly id: number;
}

/**
 * An append-only log of what sloe decided and did: gate decisions, notifications sent, freezes and thaws, exclusions
 * set through the API. Newest first on query (by id, or by `at` on request). Synchronous and committed on return.
 */
export interface Journal {
  append(kind: string, entry: { at: number; subject: string; data: unknown }): number;
  query(kind: string, query: JournalQuery): JournalEntry[];
}

/** Bucket widths of the event store: fine buckets for recent data, coarse ones for the whole retention. */
export const FINE_BUCKET_MS = 60_000;
export const COARSE_BUCKET_MS = 3_600_000;

/** An increase of a term's events in one fine (1-minute) bucket; the store adds it to the fine and the coarse bucket. */
export interface TermIncrease {
  /** The term's canonical key (a compiled selector, or a synthetic key such as an objective's slice counts). */
  readonly term: string;
  /** Start of the fine bucket, Unix ms, a multiple of FINE_BUCKET_MS. */
  readonly bucket: number;
  readonly value: number;
}

/** What the engine remembers of one counter series to turn its next sample into an increase. */
export interface SeriesState {
  /** Canonical label text of the series. */
  readonly key: string;
  readonly lastTimestamp: number;
  readonly lastValue: number;
  /** OTLP start time of the cumulative stream; 0 when unknown. */
  readonly startTime: number;
}

export interface BucketRow {
  /** Bucket start, Unix ms. */
  readonly t: number;
  readonly value: number;
}

/**
 * One term's buckets as columns, oldest first, the first `length` entries of each array valid. A restart reads
 * millions of rows (issue 21); columns cost no object per row. `scanBuckets` may reuse the arrays for the next term,
 * so a visitor reads them before it returns.
 */
export interface BucketColumns {
  /** Bucket starts, Unix ms. */
  readonly t: ArrayLike<number>;
  readonly value: ArrayLike<number>;
  readonly length: number;
}

export type BucketResolution = 'fine' | 'coarse';

/**
 * How far a Timeslices objective's slices are decided: every slice ending at or before `end` (Unix ms) has been judged
 * good or bad and counted, so the next evaluation starts there and a restart neither skips nor recounts a slice.
 */
export interface SliceMark {
  /** The objective's plan name (`<slo>` or `<slo>:<objective>`). */
  readonly objective: string;
  readonly end: number;
}

/**
 * The engine's durable state: event buckets per term, counter series state and alert state.
 * Every write method is one transaction, committed when it returns.
 */
export interface EngineStore {
  /** Adds the increases (one upsert per term and bucket) and saves the series states, in one transaction. */
  commit(increases: readonly TermIncrease[], series: readonly SeriesState[]): void;
  /** Buckets of one term with `from <= t < to`, oldest first. */
  buckets(resolution: BucketResolution, term: string, from: number, to: number): BucketRow[];
  /**
   * Every term's buckets with `t >= from`, one call per term with its rows oldest first: one pass over the table at
   * start instead of a query per term. Optional; without it the engine reads term by term.
   */
  scanBuckets?(resolution: BucketResolution, from: number, visit: (term: string, rows: BucketColumns) => void): void;
  /**
   * Starts reading `scanBuckets(resolution, from)` in the background, so the engine's start plans while the rows are
   * read (issue 21). Asked in the order they will be scanned; a scan not asked for, or asked with another `from`, is
   * read when it is scanned, as without this. Optional.
   */
  prefetchBuckets?(resolution: BucketResolution, from: number): void;
  /** Drops what prefetchBuckets is reading and was not scanned (the engine's start failed before it scanned). */
  endPrefetch?(): void;
  /** Settles buffered writes into their final tables, at once; optional. */
  fold?(): void;
  /**
   * Starts settling them in steps on later turns of the event loop, so no other work waits behind a whole fold (the
   * engine asks every evaluation); optional, the engine calls fold() without it. Throws why the last such fold failed.
   */
  foldInSteps?(): void;
  /** Every series state (read once at start). */
  seriesStates(): SeriesState[];
  /**
   * Every series state, one call each, without an array of them: the state passed may be one object the store reuses,
   * so a visitor copies what it keeps. Optional; without it the engine reads `seriesStates()`.
   */
  visitSeriesStates?(visit: (state: SeriesState) => void): void;
  /** Alert states by key, as JSON-able values. */
  alertStates(): { key: string; value: unknown }[];
  /** Saves alert states (upsert) and deletes the given keys, in one transaction. */
  saveAlertStates(put: readonly { key: string; value: unknown }[], remove?: readonly string[]): void;
  /** Every Timeslices objective's slice mark (read once at start). */
  sliceMarks(): SliceMark[];
  /** Saves slice marks (upsert by objective) and deletes the marks of the objectives named, in one transaction. */
  saveSliceMarks(put: readonly SliceMark[], remove?: readonly string[]): void;
  /** Deletes fine buckets older than `now - fineKeep`, coarse buckets and journal entries older than `now - retention`. */
  prune(now: number): { fine: number; coarse: number };
}

/** Which window of which SLI a remote query asks for. */
export interface RemoteSliQuery {
  readonly slo: string;
  readonly objective: string;
  readonly sli: Sli;
  /** The data source the SLI names (undefined: the default configured source). */
  readonly source?: string;
  /** For threshold SLIs: the objective's comparison (`value op threshold` is a good sample). */
  readonly threshold?: { readonly op: ThresholdOp; readonly value: number };
}

/** Counts for SLIs evaluated by a Prometheus-compatible query API (the ingest/source side implements it). */
export interface RemoteCounts {
  /** Good and total events over the `window` ending at `now` (Unix ms). Rejects when the source fails. */
  counts(query: RemoteSliQuery, window: number, now: number): Promise<{ good: number; total: number }>;
}

/**
 * One query of a remote SLI whose value at each step t is the events of one side in (t - step, t], aggregated on the
 * source (`sum(increase(SEL[step]))` and its kin), so the engine lands them in its buckets like ingested increases.
 */
export interface RemoteTermQuery {
  /** The configured source it is asked of (resolved: never the implicit default). */
  readonly source: string;
  readonly promql: string;
  /** `ratio`: the query gives a ratio per step, not counts (raw SLIs); `meaning` says whether it is the good or bad share. */
  readonly side: 'good' | 'bad' | 'total' | 'ratio';
  readonly meaning?: 'good' | 'bad';
}

/** One point of a range query: its time (Unix ms) and value. */
export interface RangePoint {
  readonly t: number;
  readonly value: number;
}

/** Range queries against Prometheus-compatible sources: what remote SLIs are pulled and ingested SLOs backfilled through. */
export interface RemoteSeries {
  /** The per-step queries of a remote SLI (one per side); throws SloeError when the SLI names an unknown source. */
  queries(query: RemoteSliQuery, stepMs: number): RemoteTermQuery[];
  /** The per-step query giving an embedded term's events (ingested SLOs backfilled from a source). */
  termQuery(term: Term, stepMs: number, source: string): RemoteTermQuery;
  /**
   * `promql` summed over its series at every step in [start, end] (Unix ms, multiples of step). A step where the
   * source has no data is absent, not zero. Rejects with SloeError when the source fails.
   */
  range(source: string, promql: string, start: number, end: number, stepMs: number): Promise<RangePoint[]>;
  /**
   * Several queries over the same range, each answered as `range` would answer it, in as few queries to the source as
   * it can (queries of one shape differing only in a label's value are asked together). Never rejects: a query the
   * source failed to answer has its error, in the order the queries were given.
   */
  rangeMany(source: string, promqls: readonly string[], start: number, end: number, stepMs: number): Promise<RangeAnswer[]>;
}

/** One query's answer in a batch: its points, or why the source did not give them. */
export type RangeAnswer = { readonly points: readonly RangePoint[] } | { readonly error: Error };

/** An exclusion as the engine keeps it: from the spec, from a maintenance window, or set through the admin API. */
export interface ExclusionRecord {
  readonly id: string;
  readonly slo: string;
  /** Unix ms, [start, end). */
  readonly start: number;
  readonly end: number;
  readonly reason: string;
  readonly createdBy: string;
  readonly createdAt: number;
  readonly origin: 'spec' | 'api';
}

/** Budget exclusions set at run time (the admin API); every change is journalled with who and why. */
export interface ExclusionAdmin {
  list(slo?: string): ExclusionRecord[];
  /** Throws SloeError (404 unknown SLO, 400 bad range) when the exclusion cannot be set. */
  add(input: { slo: string; start: number; end: number; reason: string }, who: string, now: number): ExclusionRecord;
  /** False when no exclusion set through the API has this id (spec exclusions cannot be removed). */
  remove(id: string, who: string, now: number): boolean;
}

/** Starts backfills through the admin API (`POST /api/v1/backfill`); progress shows in each SloStatus.backfill. */
export interface BackfillAdmin {
  /**
   * Fills the named SLOs' periods again from their sources (every SLO pulled from one when none is named). Returns
   * the objectives (status names) being filled; throws SloeError 404 for an unknown SLO, 409 for one with no source.
   */
  start(slos: readonly string[] | undefined, now: number): string[];
}

/** One point of an SLO's history. */
export interface HistoryPoint {
  /** Unix ms. */
  readonly t: number;
  readonly sli: number | null;
  readonly budgetRemaining: number | null;
  readonly burnRates: Readonly<Record<string, number | null>>;
}

/** An SLO's SLI, budget and burn rates over time, recomputed from the stored buckets. */
export interface HistoryReader {
  /** Undefined when no SLO has this name. */
  /** With `group`: that group of a grouped SLO (undefined when it has no such group). */
  history(name: string, from: number, to: number, step: number, group?: Readonly<Record<string, string>>): HistoryPoint[] | undefined;
}

/** An objective's events over chosen ranges, with the window its budget is reckoned over. */
export interface RangeEvents {
  readonly window: Window;
  /** One per range asked, in order: good and total events (slices for Timeslices), exclusions left out. */
  readonly counts: readonly { readonly good: number; readonly total: number }[];
}

/** Events of an objective over arbitrary ranges, from the stored buckets: what reports and budget explanations read. */
export interface EventsReader {
  /** Undefined when no SLO objective has this name. */
  events(name: string, ranges: readonly { readonly from: number; readonly to: number }[]): RangeEvents | undefined;
}

/** What one evaluation produced, as every component sees it after the tick. */
export interface Evaluation {
  /** Unix ms of the evaluation. */
  readonly now: number;
  readonly statuses: readonly SloStatus[];
  readonly transitions: readonly AlertTransition[];
  /** Every group of every grouped SLO (each with `group` set), for notifications and incidents per group. */
  readonly groups?: readonly SloStatus[];
}

/**
 * One part of the daemon as `app/` composes it: a factory takes its configuration and ports and returns this.
 * `Routes` is the HTTP layer's route group (hono's `Hono` in the adapters); core names no web framework.
 * Everything is optional: a part without routes, or that does nothing after an evaluation, leaves it out.
 */
export interface Component<Routes = unknown> {
  readonly name: string;
  /** HTTP routes this part serves; the daemon mounts them behind the one auth and body limits. */
  readonly routes?: readonly Routes[];
  /** Called after every evaluation, in composition order; must not block (queue work, do not await I/O). */
  afterEvaluation?(evaluation: Evaluation): void;
  /** Called when a new valid spec set is in force; a reload awaits it, and a throw refuses the reload. */
  onSpecChange?(specs: SpecSet): void | Promise<void>;
  start?(): void | Promise<void>;
  /** Settles queued work and releases resources, within `timeoutMs`; components stop in reverse order. */
  stop?(timeoutMs: number): Promise<void>;
}

/** One entry of an incident's timeline: a tier's transition, a notification sent, a gate decision or a freeze. */
export interface IncidentEvent {
  /** Unix ms. */
  readonly at: number;
  readonly kind: 'transition' | 'notification' | 'decision' | 'freeze';
  readonly text: string;
}

/**
 * One incident of one SLO objective (docs/reviews.md): from the first tier pending to the moment no tier is pending or
 * firing. Times are Unix ms. `budgetSpent` is a fraction of the period's budget (see docs/reviews.md for the rule).
 */
export interface IncidentRecord {
  /** `<objective name>@<startedAt>`: stable, so a restart continues the same record. */
  readonly id: string;
  /** The objective's name as SloStatus names it (`slo` or `slo:objective`). */
  readonly objective: string;
  readonly slo: string;
  readonly objectiveKey: string;
  readonly service: string;
  /** The group's labels, for grouped SLOs; absent for the SLO's own objective. */
  readonly group?: Readonly<Record<string, string>>;
  readonly startedAt: number;
  /** When the shortest window's burn rate last rose above 1 before it started (the burn the tiers then caught). */
  readonly burnStartedAt: number;
  /** The first page or ticket sent for it; null while none was. */
  readonly detectedAt: number | null;
  /** No tier pending or firing any more; null while open. */
  readonly resolvedAt: number | null;
  /** Highest shortest-window burn rate seen during it. */
  readonly peakBurnRate: number;
  readonly budgetSpent: number;
  /** Most urgent severity that fired (`page` before `ticket`); null when no tier got past pending. */
  readonly severity: string | null;
  /**
   * False while the budget it spent is still being counted: open, or resolved while the shortest window still burns
   * above 1 (the last bad events are still in it). True once its figures are final.
   */
  readonly final: boolean;
  readonly timeline: readonly IncidentEvent[];
}

export interface IncidentQuery {
  readonly objective?: string;
  readonly slo?: string;
  readonly service?: string;
  /** Unix ms: incidents that overlap [from, to). */
  readonly from?: number;
  readonly to?: number;
}

/** Incidents, durably (SQLite table `incidents`). Synchronous: committed on return. */
export interface IncidentStore {
  /** Inserts or replaces by id. */
  save(incident: IncidentRecord): void;
  /** Oldest first. */
  list(query: IncidentQuery): IncidentRecord[];
  /** Incidents whose figures are not final yet (`final` false), oldest first: what a restart resumes. */
  unsettled(): IncidentRecord[];
}
