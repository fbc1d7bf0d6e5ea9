import type { AlertTransition, SloStatus } from './status.js';
import type { Labels } from './model.js';

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
}

/** The engine's latest evaluation, held in memory; gates and the API read it without touching storage. */
export interface StatusReader {
  latest(): readonly SloStatus[];
  get(name: string): SloStatus | undefined;
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
  readonly limit: number;
}

/**
 * An append-only log of what sloe decided and did: gate decisions, notifications sent, freezes and thaws, exclusions
 * set through the API. Newest first on query. Synchronous and committed on return.
 */
export interface Journal {
  append(kind: string, entry: { at: number; subject: string; data: unknown }): number;
  query(kind: string, query: JournalQuery): JournalEntry[];
}
