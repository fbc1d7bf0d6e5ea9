/**
 * The bucket prefetch's worker thread (see bucket-prefetch.ts): its own read-only connection to the store's file
 * (WAL lets it read beside the writer), the scans it is asked for read in order, each handed over as chunks of packed
 * columns whose buffers are transferred, not copied, so the thread that restarts the engine gets a term's rows as two
 * typed arrays without stepping SQLite or parsing JSON itself.
 */
import { constants, setPriority } from 'node:os';
import { workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import type { PrefetchRequest, PrefetchSetup, ScannedChunk } from './bucket-scan.js';
import { CHUNKS_AHEAD, CHUNK_ROWS, SIGNAL, bucketScanSql, parsePackedRow } from './bucket-scan.js';

const setup = workerData as PrefetchSetup;
const signals = new Int32Array(setup.signals);
Atomics.store(signals, SIGNAL.booted, 1);
// Background work: on a busy machine the thread that restarts (and its GC helpers) comes first. On Linux this thread's
// priority alone (setpriority of pid 0 is the calling thread there); elsewhere it may be the process's, so only there.
if (process.platform === 'linux') setPriority(0, constants.priority.PRIORITY_BELOW_NORMAL);
const db = new Database(setup.path, { readonly: true });

/** A chunk being filled: whole terms, grown when a term does not fit. */
class ChunkBuilder {
  terms = 0;
  rows = 0;
  ids = new Int32Array(1024);
  ends = new Int32Array(1024);
  t = new Float64Array(CHUNK_ROWS);
  value = new Float64Array(CHUNK_ROWS);

  /** Opens a term; its rows follow through `row`. */
  term(id: number): void {
    if (this.terms === this.ids.length) {
      this.ids = grownInt(this.ids, this.terms * 2);
      this.ends = grownInt(this.ends, this.terms * 2);
    }
    this.ids[this.terms] = id;
    this.ends[this.terms] = this.rows;
    this.terms++;
  }

  row(t: number, value: number): void {
    if (this.rows === this.t.length) {
      this.t = grownFloat(this.t, this.rows * 2);
      this.value = grownFloat(this.value, this.rows * 2);
    }
    this.t[this.rows] = t;
    this.value[this.rows] = value;
    this.rows++;
    this.ends[this.terms - 1] = this.rows;
  }
}

function grownInt(column: Int32Array, length: number): Int32Array<ArrayBuffer> {
  const next = new Int32Array(length);
  next.set(column);
  return next;
}

function grownFloat(column: Float64Array, length: number): Float64Array<ArrayBuffer> {
  const next = new Float64Array(length);
  next.set(column);
  return next;
}

/** Whether the store asked the worker to stop. */
function stopping(): boolean {
  return Atomics.load(signals, SIGNAL.stop) === 1;
}

/** Posts a chunk once fewer than CHUNKS_AHEAD wait untaken; false if told to stop meanwhile. */
function post(chunk: ScannedChunk): boolean {
  for (;;) {
    if (stopping()) return false;
    const taken = Atomics.load(signals, SIGNAL.taken);
    if (Atomics.load(signals, SIGNAL.posted) - taken < CHUNKS_AHEAD) break;
    Atomics.wait(signals, SIGNAL.taken, taken, 1000);
  }
  const buffers = chunk.error === undefined ? [chunk.ids.buffer, chunk.ends.buffer, chunk.t.buffer, chunk.value.buffer] : [];
  setup.port.postMessage(chunk, buffers);
  // Posted before counted: a store that sees the count finds the message on its port.
  Atomics.add(signals, SIGNAL.posted, 1);
  Atomics.notify(signals, SIGNAL.posted);
  return true;
}

function scan(request: PrefetchRequest): void {
  let chunk = new ChunkBuilder();
  const send = (last: boolean): boolean => {
    const sent = post({ terms: chunk.terms, rows: chunk.rows, ids: chunk.ids, ends: chunk.ends, t: chunk.t, value: chunk.value, last });
    chunk = new ChunkBuilder();
    return sent;
  };
  const statement = db.prepare(bucketScanSql(request.resolution, setup.packed)).raw();
  if (setup.packed) {
    for (const [id, times, values] of statement.iterate(request.from) as IterableIterator<[number, string, string]>) {
      const { t, value } = parsePackedRow(times, values);
      chunk.term(id);
      for (let row = 0; row < t.length; row++) chunk.row(t[row]!, value[row]!);
      if (chunk.rows >= CHUNK_ROWS && !send(false)) return;
    }
  } else {
    let current: number | undefined;
    for (const [id, t, value] of statement.iterate(request.from) as IterableIterator<[number, number, number]>) {
      if (id !== current) {
        // A chunk ends between terms only.
        if (chunk.rows >= CHUNK_ROWS && !send(false)) return;
        chunk.term(id);
        current = id;
      }
      chunk.row(t, value);
    }
  }
  send(true);
}

setup.port.on('message', (message: PrefetchRequest | 'stop') => {
  if (message === 'stop' || stopping()) {
    db.close();
    setup.port.close();
    return;
  }
  try {
    scan(message);
  } catch (error) {
    post({ terms: 0, rows: 0, ids: new Int32Array(0), ends: new Int32Array(0), t: new Float64Array(0), value: new Float64Array(0), last: true, error: error instanceof Error ? error.message : String(error) });
  }
});
