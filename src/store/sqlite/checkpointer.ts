import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { Connection } from './database.js';

/** How often the worker checkpoints the write-ahead log (ms). */
const CHECKPOINT_INTERVAL_MS = 500;
/** SQLite's own default, put back on the main connection if the worker goes away. */
const AUTO_CHECKPOINT_PAGES = 1000;
/** How long close() waits for a checkpoint under way to finish before going on without it (ms). */
const STOP_WAIT_MS = 5000;

// The worker's state, shared: it opens its connection only by moving BOOTING to OPEN, and stop() moves BOOTING straight
// to STOPPED, so a store closed before its worker has started never waits for it to boot.
const BOOTING = 0;
const OPEN = 1;
const STOP = 2;
const STOPPED = 3;

/**
 * The worker: its own connection to the same file, a PASSIVE checkpoint every interval (it copies what the log holds
 * into the database file without waiting for, or blocking, the writer), until told to stop through the shared state.
 * CommonJS, run with `eval`, so it needs no file of its own beside the compiled or the tsx-run sources.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const state = new Int32Array(workerData.state);
if (Atomics.compareExchange(state, 0, ${BOOTING}, ${OPEN}) !== ${BOOTING}) process.exit(0);
// fileMustExist: a worker that boots late, after its store is gone, must not create the file again.
const db = new Database(workerData.path, { fileMustExist: true });
let timer;
const stop = () => {
  if (!db.open) return;
  clearInterval(timer);
  db.close();
  Atomics.store(state, 0, ${STOPPED});
  Atomics.notify(state, 0);
};
timer = setInterval(() => {
  if (Atomics.load(state, 0) !== ${OPEN}) return stop();
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch (error) {
    parentPort.postMessage({ error: error instanceof Error ? error.message : String(error) });
  }
}, workerData.intervalMs);
parentPort.on('message', (message) => {
  if (message === 'stop') stop();
});
`;

export interface BackgroundCheckpoints {
  /** Stops the worker and waits (synchronously, at most a few seconds) until its connection is closed. */
  stop(): void;
}

/**
 * WAL checkpoints on a worker thread instead of inside commits. SQLite checkpoints automatically in the commit that
 * takes the log past 1,000 pages: that commit copies about 4 MB into the database file and syncs it, synchronous work
 * on the daemon's event loop that the release gate's answers wait behind (10-25 ms blocks under ingest,
 * bench/gate/NOTES.md; longer on a disk whose fsync is slow). Here the main connection never checkpoints
 * (`wal_autocheckpoint = 0`) and a worker with its own connection runs a PASSIVE checkpoint every 500 ms; the next
 * commit after a complete checkpoint starts the log over, as before. Durability is unchanged: a commit is durable once
 * it is in the log, whoever checkpoints it later. If the worker fails or exits, the main connection checkpoints by
 * itself again; a checkpoint that fails is reported to `onError` and tried again at the next interval.
 */
export function startBackgroundCheckpoints(db: Connection, path: string, onError: (message: string) => void = () => undefined): BackgroundCheckpoints {
  const state = new Int32Array(new SharedArrayBuffer(4));
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { driver, path, state: state.buffer, intervalMs: CHECKPOINT_INTERVAL_MS } });
  // The daemon exits when its work is done, whether or not this is stopped first (a kill loses nothing: see above).
  worker.unref();
  db.pragma('wal_autocheckpoint = 0');
  const resumeAutoCheckpoints = (): void => {
    if (db.open && Atomics.load(state, 0) < STOP) db.pragma(`wal_autocheckpoint = ${AUTO_CHECKPOINT_PAGES}`);
  };
  worker.on('message', (message: { error?: string }) => {
    if (message.error !== undefined) onError(message.error);
  });
  worker.on('error', (error) => {
    onError(error.message);
    resumeAutoCheckpoints();
  });
  worker.on('exit', () => {
    resumeAutoCheckpoints();
    Atomics.store(state, 0, STOPPED);
  });
  return {
    stop: () => {
      if (Atomics.compareExchange(state, 0, BOOTING, STOPPED) === BOOTING || Atomics.compareExchange(state, 0, OPEN, STOP) === OPEN) {
        worker.postMessage('stop');
        // Returns at once when the worker never opened its connection (the state is STOPPED, not STOP).
        Atomics.wait(state, 0, STOP, STOP_WAIT_MS);
      }
      void worker.terminate();
    },
  };
}
