import { SloeError } from '../../core/index.js';

/**
 * Bounds the write work held at once: requests being received, decoded and appended, and the bytes of their
 * bodies. Past either bound a sender is told to come back later (429 with Retry-After), so memory stays bounded
 * under overload and the sender's own queue holds the data instead of ours.
 */
export class WriteAdmission {
  private requests = 0;
  private bytes = 0;

  constructor(
    private readonly maxRequests: number,
    private readonly maxBytes: number,
    readonly retryAfterSeconds: number,
  ) {}

  /** Admits a request declaring `bytes` (0 when unknown); returns its release, or throws 429. */
  admit(bytes: number): () => void {
    if (this.requests >= this.maxRequests || (this.requests > 0 && this.bytes + bytes > this.maxBytes)) {
      throw new SloeError('write_queue_full', `write queue full (${this.requests} requests, ${this.bytes} bytes in flight); retry after ${this.retryAfterSeconds}s`, { status: 429 });
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
