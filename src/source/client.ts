import { SloeError } from '../core/index.js';
import { classifyStatus, exchange, realSleep, withRetry } from '../delivery/index.js';
import type { Fetch } from '../delivery/index.js';

/** One configured Prometheus-compatible query API (the `sources` config entries). */
export interface SourceConfig {
  readonly name: string;
  /** Base URL; `/api/v1/query` is appended (Mimir and Cortex: include their `/prometheus` prefix). */
  readonly url: string;
  readonly headers?: Readonly<Record<string, string>>;
  /** Sent as `X-Scope-OrgID` (Mimir, Cortex, Loki-style multi-tenancy). */
  readonly tenant?: string;
  readonly timeoutMs: number;
  /** Further attempts after a failure the source may recover from (network, timeout, 408, 425, 429, 5xx). */
  readonly retries: number;
  /**
   * Whether a partial answer (some store or storage node down) is acceptable. By default sloe refuses them: it asks
   * Thanos for `partial_response=false` and a VictoriaMetrics cluster for `deny_partial_response=1`, and an answer
   * that still says `isPartial: true` fails (retried like an outage), because events missing from a window would read
   * as a healthier SLO.
   */
  readonly partialResponse: boolean;
}

export interface VectorSample {
  readonly metric: Readonly<Record<string, string>>;
  readonly value: number;
}

/** One series of a range query's answer. */
export interface RangeSeries {
  readonly metric: Readonly<Record<string, string>>;
  readonly points: readonly { readonly t: number; readonly value: number }[];
}

export interface ClientOptions {
  readonly fetch?: Fetch;
  /** Waits between attempts; tests pass a recorder. */
  readonly sleep?: (ms: number) => Promise<void>;
  /** First backoff; doubled on every retry (delivery/'s full jitter, capped at 10 s: a tick must not wait long). */
  readonly backoffMs?: number;
  /** Draws the jitter, from [0, 1). */
  readonly random?: () => number;
}

/** Longest wait between two attempts of one query: the engine's tick is waiting for the answer. */
const MAX_BACKOFF_MS = 10_000;

interface PrometheusAnswer {
  status?: string;
  errorType?: string;
  error?: string;
  warnings?: string[];
  /** VictoriaMetrics cluster: some vmstorage nodes did not answer, so series may be missing. */
  isPartial?: boolean;
  data?: { resultType?: string; result?: unknown };
}

/** A failure delivery/'s rule says is worth another attempt; `retryAfterMs` is the source's Retry-After. */
class Retryable extends Error {
  constructor(
    message: string,
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

/**
 * A client for the Prometheus HTTP query API as Prometheus, Thanos, Mimir, Cortex and VictoriaMetrics serve it:
 * instant queries by POST form, the configured headers and tenant, a timeout per attempt, and retries by the one
 * delivery rule (delivery/: network errors, timeouts, 408, 425, 429 honouring Retry-After, 5xx; a query the source
 * refuses as bad is not retried).
 */
export class PrometheusClient {
  private readonly fetch: Fetch;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly backoffMs: number;
  private readonly random: () => number;

  constructor(
    readonly config: SourceConfig,
    options: ClientOptions = {},
  ) {
    if (!/^https?:\/\//.test(config.url)) throw new SloeError('config_invalid', `source ${config.name}: url must be http(s), got ${config.url}`);
    this.fetch = options.fetch ?? fetch;
    this.sleep = options.sleep ?? realSleep;
    this.backoffMs = options.backoffMs ?? 200;
    this.random = options.random ?? Math.random;
  }

  /** Evaluates `query` at `timeMs` (Unix ms); a scalar answer is returned as one sample without labels. */
  instant(query: string, timeMs: number): Promise<VectorSample[]> {
    const form = { query, time: (timeMs / 1000).toFixed(3) };
    return this.retried(() => this.attempt('query', query, form, (data) => parseResult(this.config.name, data)));
  }

  /**
   * Evaluates `query` at every step in [startMs, endMs] (`/api/v1/query_range`); each series with its points, a
   * step where a series has no value being absent from it.
   */
  range(query: string, startMs: number, endMs: number, stepMs: number): Promise<RangeSeries[]> {
    const form = { query, start: (startMs / 1000).toFixed(3), end: (endMs / 1000).toFixed(3), step: `${stepMs / 1000}s` };
    return this.retried(() => this.attempt('query_range', query, form, (data) => parseMatrix(this.config.name, data)));
  }

  private async retried<T>(attempt: () => Promise<T>): Promise<T> {
    const attempts = this.config.retries + 1;
    try {
      return await withRetry(attempt, (error) => (error instanceof Retryable ? { retry: true, ...(error.retryAfterMs === undefined ? {} : { retryAfterMs: error.retryAfterMs }) } : { retry: false }), {
        attempts,
        backoff: { initialMs: this.backoffMs, maxMs: Math.max(this.backoffMs, MAX_BACKOFF_MS), jitter: 1 },
        sleep: this.sleep,
        random: this.random,
      });
    } catch (error) {
      if (!(error instanceof Retryable)) throw error;
      throw new SloeError('source_unavailable', `source ${this.config.name}: ${error.message} (after ${attempts} attempts)`, { status: 503, cause: error });
    }
  }

  private async attempt<T>(endpoint: 'query' | 'query_range', query: string, form: Record<string, string>, parse: (data: PrometheusAnswer['data']) => T): Promise<T> {
    // Each backend reads its own parameter and ignores the other's (Prometheus and a VictoriaMetrics single node both).
    const body = new URLSearchParams({ ...form, partial_response: String(this.config.partialResponse), ...(this.config.partialResponse ? {} : { deny_partial_response: '1' }) });
    const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json', ...this.config.headers };
    if (this.config.tenant !== undefined) headers['X-Scope-OrgID'] = this.config.tenant;
    const reply = await exchange({ url: `${this.config.url.replace(/\/+$/, '')}/api/v1/${endpoint}`, method: 'POST', body, headers, timeoutMs: this.config.timeoutMs }, this.fetch);
    if (reply.kind === 'unanswered') throw new Retryable(reply.timedOut ? `no answer within ${this.config.timeoutMs} ms` : `unreachable (${describe(reply.cause)})`);
    let answer: PrometheusAnswer | undefined;
    try {
      answer = JSON.parse(reply.body) as PrometheusAnswer;
    } catch {
      // Proxies answer 502/503/429 with HTML; the status says enough, and a 2xx that is not JSON is refused below.
      answer = undefined;
    }
    const verdict = classifyStatus(reply.status);
    if (verdict === 'retry') throw new Retryable(`HTTP ${reply.status}${answer?.error ? `: ${answer.error}` : ''}`, reply.retryAfterMs);
    if (verdict !== 'success' || answer?.status !== 'success') {
      const reason = answer?.error ?? (reply.body.slice(0, 200) || `HTTP ${reply.status}`);
      throw new SloeError('source_query_failed', `source ${this.config.name} refused the query ${query}: ${reason}`, { status: 502 });
    }
    if (answer.isPartial === true && !this.config.partialResponse) {
      throw new Retryable(`partial response to ${query} (some storage nodes did not answer; set partialResponse: true to accept such answers)`);
    }
    return parse(answer.data);
  }
}

function parseResult(source: string, data: PrometheusAnswer['data']): VectorSample[] {
  const invalid = () => new SloeError('source_query_failed', `source ${source}: the answer is not a Prometheus query result`, { status: 502 });
  if (data?.resultType === 'scalar') return [{ metric: {}, value: sampleValue(data.result, invalid) }];
  if (data?.resultType !== 'vector' || !Array.isArray(data.result)) throw invalid();
  return data.result.map((item: unknown) => {
    if (item === null || typeof item !== 'object') throw invalid();
    const { metric, value } = item as { metric?: Record<string, string>; value?: unknown };
    return { metric: metric ?? {}, value: sampleValue(value, invalid) };
  });
}

function parseMatrix(source: string, data: PrometheusAnswer['data']): RangeSeries[] {
  const invalid = () => new SloeError('source_query_failed', `source ${source}: the answer is not a Prometheus range query result`, { status: 502 });
  if (data?.resultType !== 'matrix' || !Array.isArray(data.result)) throw invalid();
  return data.result.map((item: unknown) => {
    if (item === null || typeof item !== 'object') throw invalid();
    const { metric, values } = item as { metric?: Record<string, string>; values?: unknown };
    if (!Array.isArray(values)) throw invalid();
    return {
      metric: metric ?? {},
      points: values.map((pair: unknown) => {
        if (!Array.isArray(pair) || typeof pair[0] !== 'number') throw invalid();
        // Seconds with a fraction: rounded to the millisecond so points land exactly on step boundaries.
        return { t: Math.round(pair[0] * 1000), value: sampleValue(pair, invalid) };
      }),
    };
  });
}

function sampleValue(pair: unknown, invalid: () => Error): number {
  if (!Array.isArray(pair) || pair.length !== 2 || typeof pair[1] !== 'string') throw invalid();
  return Number(pair[1]);
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? error.message;
}
