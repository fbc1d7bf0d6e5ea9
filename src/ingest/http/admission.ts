import { SloeError } from '../../core/index.js';
import type { LoopLag } from './loop-lag.js';

/** When the event loop runs this late, new writes are refused; 0 turns the check off. */
export interface LagBound {
  readonly lag: LoopLag;
  readonly maxLagMs: number;
}

/**
 * Bounds the write work held at once: requests being received, decoded and appended, and the bytes of their
 * bodies. Past either bound a sender is told to come back later (429 with Retry-After), so memory stays bounded
 * under overload and the sender's own queue holds the data instead of ours.
 *
 * Requests in flight do not see CPU saturation: 500 writers whose requests each finish in a few ms never hold 64 at
 * once, yet their decoding fills the event loop and the gate waits seconds behind them. So a write is also refused
 * while the loop runs later than `maxLagMs`, before it is read or decoded: a refusal costs a fraction of a write, and
 * the senders' back-off gives the loop back to the gate, /healthz and the UI.
 */
export class WriteAdmission {
  private requests = 0;
  private bytes = 0;

  constructor(
    private readonly maxRequests: number,
    private readonly maxBytes: number,
    readonly retryAfterSeconds: number,
    private readonly lagBound?: LagBound,
  ) {}

  /** Admits a request declaring `bytes` (0 when unknown); returns its release, or throws 429. */
  admit(bytes: number): () => void {
    if (this.requests >= this.maxRequests || (this.requests > 0 && this.bytes + bytes > this.maxBytes)) {
      throw new SloeError('write_queue_full', `write queue full (${this.requests} requests, ${this.bytes} bytes in flight); retry after ${this.retryAfterSeconds}s`, { status: 429 });
    }
    // A lone writer (nothing else in flight) is let through whatever the lag: it cannot crowd the loop by itself, and
    // a busy machine (a GC, an evaluation, another process on the core) should not turn every write away.
    if (this.lagBound !== undefined && this.lagBound.maxLagMs > 0 && this.requests > 0) {
      const lagMs = this.lagBound.lag.currentMs();
      if (lagMs > this.lagBound.maxLagMs) {
        throw new SloeError('ingest_overloaded', `ingest paused: the event loop runs ${Math.round(lagMs)} ms late (limit ${this.lagBound.maxLagMs} ms); retry after ${this.retryAfterSeconds}s`, { status: 429 });
      }
    }
    this.requests++;
    this.bytes += bytes;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.requests--;
      this.bytes -= bytes;
    };
  }

  inFlight(): { requests: number; bytes: number } {
    return { requests: this.requests, bytes: this.bytes };
  }
}
