import { SloeError } from '../core/index.js';

/** The limits every ingest endpoint enforces. */
export interface IngestLimits {
  /** Largest request body as sent (compressed), bytes. */
  readonly maxBodyBytes: number;
  /** Largest body after decompression, bytes; a snappy body declaring more is refused before it is inflated. */
  readonly maxDecompressedBytes: number;
  /** Most series (remote write) or data points (OTLP) in one request. */
  readonly maxSeriesPerRequest: number;
  /** Write requests being received or decoded at once; more get 429 with Retry-After. */
  readonly maxInFlightRequests: number;
  /** Bytes of request bodies held at once; more get 429 with Retry-After. */
  readonly maxInFlightBytes: number;
  /** Event-loop lag (ms) past which new writes get 429, so ingest cannot starve the gate and the API; 0 turns it off. */
  readonly maxEventLoopLagMs: number;
  /** Seconds a refused sender is asked to wait. */
  readonly retryAfterSeconds: number;
  /** How long a write waits for others to share its commit (ms). */
  readonly groupCommitMs: number;
  /**
   * The most series one commit takes: a group reaching it commits at once, however short it has waited, and a longer
   * queue commits in groups of this size, one per turn of the event loop (about 1 µs of CPU per matched series, so
   * the gate never waits behind more than a few ms of it; each commit also costs a fixed ~0.2 ms).
   */
  readonly groupCommitMaxSeries: number;
}

export const DEFAULT_LIMITS: IngestLimits = {
  maxBodyBytes: 16 * 1024 * 1024,
  maxDecompressedBytes: 64 * 1024 * 1024,
  maxSeriesPerRequest: 100_000,
  maxInFlightRequests: 64,
  maxInFlightBytes: 256 * 1024 * 1024,
  maxEventLoopLagMs: 50,
  retryAfterSeconds: 1,
  groupCommitMs: 2,
  groupCommitMaxSeries: 2_000,
};

export function payloadTooLarge(message: string): SloeError {
  return new SloeError('payload_too_large', message, { status: 413 });
}

export function tooManySeries(limit: number): SloeError {
  return payloadTooLarge(`more than ${limit} series in one request; send smaller batches`);
}
