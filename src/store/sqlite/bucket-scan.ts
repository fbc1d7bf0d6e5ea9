import type { MessagePort } from 'node:worker_threads';
import type { BucketResolution } from '../../core/index.js';

/**
 * What the bucket scans read, shared by the store's own connection and the prefetch worker's (bucket-prefetch.ts), so
 * both read the same rows the same way.
 */
export function bucketScanSql(resolution: BucketResolution, packed: boolean): string {
  const table = resolution === 'fine' ? 'buckets_fine' : 'buckets_coarse';
  // Packed: a row per term, its bucket starts and values as two JSON arrays, which V8 parses into arrays of numbers
  // without a string per value (issue 21: at 100k SLOs, 2 million rows stepped one array each took ~1.5 s, this ~0.85 s).
  // Else primary-key order: each term's rows come together, oldest first.
  return packed
    ? `SELECT term_id, json_group_array(t), json_group_array(value) FROM ${table} WHERE t >= ? GROUP BY term_id`
    : `SELECT term_id, t, value FROM ${table} WHERE t >= ? ORDER BY term_id, t`;
}

/** A packed row's two arrays, parsed, the starts ascending (SQLite hands a group's rows over in the order it read them, the primary key's in practice; not promised). */
export function parsePackedRow(times: string, values: string): { t: number[]; value: number[] } {
  const t = JSON.parse(times) as number[];
  const value = JSON.parse(values) as number[];
  if (!ascending(t)) sortTogether(t, value);
  return { t, value };
}

function ascending(values: readonly number[]): boolean {
  for (let index = 1; index < values.length; index++) if (values[index]! < values[index - 1]!) return false;
  return true;
}

/** Sorts `t` ascending, `value` alongside it. */
function sortTogether(t: number[], value: number[]): void {
  const order = t.map((_, index) => index).sort((a, b) => t[a]! - t[b]!);
  const times = order.map((index) => t[index]!);
  const values = order.map((index) => value[index]!);
  for (let index = 0; index < order.length; index++) {
    t[index] = times[index]!;
    value[index] = values[index]!;
  }
}

/** A scan the prefetch worker is asked for: every term's buckets of one resolution with `t >= from`. */
export interface PrefetchRequest {
  readonly resolution: BucketResolution;
  readonly from: number;
}

/**
 * Part of a scan as the worker hands it over, whole terms only: term `i` (id `ids[i]`) has the rows from `ends[i - 1]`
 * (0 for the first) to `ends[i]` of `t` and `value`. The arrays' buffers are transferred, so they may be longer than
 * `terms` and `rows` say. `last` marks a scan's final chunk; `error` says why the scan failed (then nothing else is set).
 */
export interface ScannedChunk {
  readonly terms: number;
  readonly rows: number;
  readonly ids: Int32Array<ArrayBuffer>;
  readonly ends: Int32Array<ArrayBuffer>;
  readonly t: Float64Array<ArrayBuffer>;
  readonly value: Float64Array<ArrayBuffer>;
  readonly last: boolean;
  readonly error?: string;
}

/** What the worker is started with (workerData): the file, how to read, its end of the channel and the shared signals. */
export interface PrefetchSetup {
  readonly path: string;
  readonly packed: boolean;
  readonly port: MessagePort;
  readonly signals: SharedArrayBuffer;
}

/** Slots of the shared Int32Array the two threads signal through (Atomics), beside the messages. */
export const SIGNAL = {
  /** 1 once the worker's code runs. */
  booted: 0,
  /** Chunks the worker has posted. */
  posted: 1,
  /** Chunks the store has taken. */
  taken: 2,
  /** 1 when the store wants the worker to stop (it may be waiting for room). */
  stop: 3,
} as const;
export const SIGNAL_SLOTS = 4;

/** Rows per chunk (16 bytes each): ~2 MB handed over at a time. */
export const CHUNK_ROWS = 1 << 17;
/**
 * Chunks the worker may have posted and the store not taken yet (~256 MB at most): the worker reads ahead while the
 * engine plans, but a long history is not held twice over.
 */
export const CHUNKS_AHEAD = 128;
