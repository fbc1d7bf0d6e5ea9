import { MessageChannel, Worker, receiveMessageOnPort } from 'node:worker_threads';
import type { MessagePort } from 'node:worker_threads';
import type { BucketColumns, BucketResolution } from '../../core/index.js';
import { SloeError, workerEntry } from '../../core/index.js';
import type { PrefetchRequest, PrefetchSetup, ScannedChunk } from './bucket-scan.js';
import { SIGNAL, SIGNAL_SLOTS } from './bucket-scan.js';

/**
 * How long the store waits for the worker to start running before it reads the buckets itself (ms): a worker that
 * cannot load never says so to a thread that is waiting synchronously.
 */
const BOOT_WAIT_MS = 5000;
/** How long the store waits for the next chunk of a scan under way before it gives up on the worker (ms). */
const STALL_WAIT_MS = 60_000;

/**
 * Bucket scans read ahead on a worker thread (issue 21): a restart asks for the minute buckets before the engine
 * plans, and for the hour buckets once it knows how far back they go, and the worker reads them (SQLite and the JSON
 * the packed rows come as) on the other core while this thread plans and loads rings. The rows arrive as chunks of
 * typed arrays, transferred, and are taken synchronously (the engine is built in its constructor): the store waits on
 * a shared counter and receives from its port without the event loop.
 *
 * The worker is this module's sibling: bucket-scan-worker.js in the build, the .ts file when it runs from source.
 * Nothing here is needed for correctness: a scan the worker was not asked for exactly as it is taken, or a worker that
 * does not start, is read by the store itself.
 */
export class BucketPrefetch {
  private readonly worker: Worker;
  private readonly port: MessagePort;
  private readonly signals = new Int32Array(new SharedArrayBuffer(SIGNAL_SLOTS * Int32Array.BYTES_PER_ELEMENT));
  /** Scans asked for and not taken yet, in the order the worker reads them. */
  private readonly pending: PrefetchRequest[] = [];
  private stopped = false;

  constructor(path: string, packed: boolean) {
    const channel = new MessageChannel();
    this.port = channel.port1;
    const setup: PrefetchSetup = { path, packed, port: channel.port2, signals: this.signals.buffer };
    const options = { workerData: setup, transferList: [channel.port2] };
    const { entry, eval: fromSource } = workerEntry(import.meta.url, 'bucket-scan-worker');
    this.worker = new Worker(entry, { ...options, eval: fromSource });
    // Never what keeps the process alive; an error is seen as a scan that does not arrive (see take).
    this.worker.unref();
    this.worker.on('error', () => undefined);
  }

  /** Asks the worker to read a scan after those already asked for. */
  request(resolution: BucketResolution, from: number): void {
    if (this.stopped) return;
    const request: PrefetchRequest = { resolution, from };
    this.pending.push(request);
    this.port.postMessage(request);
  }

  /**
   * Visits the scan (term id and its rows, oldest first) if it is the next one asked for; false, with nothing visited,
   * when it is not or the worker did not start: the caller then reads it itself. Throws if the worker fails part way.
   */
  take(resolution: BucketResolution, from: number, visit: (id: number, rows: BucketColumns) => void): boolean {
    const next = this.pending[0];
    if (this.stopped || next === undefined || next.resolution !== resolution || next.from !== from) {
      this.stop();
      return false;
    }
    this.pending.shift();
    for (let first = true; ; first = false) {
      const chunk = this.receive(first);
      if (chunk === undefined) {
        this.stop();
        if (first) return false;
        throw new SloeError('store_read_failed', `the ${resolution} bucket scan stopped part way: its worker sent nothing for ${STALL_WAIT_MS / 1000} s`);
      }
      if (chunk.error !== undefined) {
        this.stop();
        throw new SloeError('store_read_failed', `reading the ${resolution} buckets failed: ${chunk.error}`);
      }
      for (let term = 0, start = 0; term < chunk.terms; term++) {
        const end = chunk.ends[term]!;
        visit(chunk.ids[term]!, { t: chunk.t.subarray(start, end), value: chunk.value.subarray(start, end), length: end - start });
        start = end;
      }
      if (chunk.last) break;
    }
    if (this.pending.length === 0) this.stop();
    return true;
  }

  /** The next chunk, waiting for it; undefined if the worker has not started in time (`booting`) or stalls. */
  private receive(booting: boolean): ScannedChunk | undefined {
    const started = performance.now();
    for (;;) {
      const posted = Atomics.load(this.signals, SIGNAL.posted);
      const message = receiveMessageOnPort(this.port);
      if (message !== undefined) {
        Atomics.add(this.signals, SIGNAL.taken, 1);
        Atomics.notify(this.signals, SIGNAL.taken);
        return message.message as ScannedChunk;
      }
      const booted = Atomics.load(this.signals, SIGNAL.booted) === 1;
      const waited = performance.now() - started;
      if (waited >= (booting && !booted ? BOOT_WAIT_MS : STALL_WAIT_MS)) return undefined;
      // Short waits until the worker runs: it cannot tell a thread waiting here that it failed to start.
      Atomics.wait(this.signals, SIGNAL.posted, posted, booted ? STALL_WAIT_MS - waited : 50);
    }
  }

  /** Whether every scan asked for was taken, or the prefetch was stopped: the worker is gone. */
  get finished(): boolean {
    return this.stopped;
  }

  /** Stops the worker (it closes its connection); scans not taken are dropped. */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.pending.length = 0;
    Atomics.store(this.signals, SIGNAL.stop, 1);
    Atomics.notify(this.signals, SIGNAL.taken);
    this.port.postMessage('stop');
    this.port.close();
    void this.worker.terminate();
  }
}
