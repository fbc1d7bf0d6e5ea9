import { SloeError } from '../core/index.js';

/** One configured Prometheus-compatible query API (the `sources` config entries). */
export interface SourceConfig {
  readonly name: string;
  /** Base URL; `/api/v1/query` is appended (Mimir and Cortex: include their `/prometheus` prefix). */
  readonly url: string;
  readonly headers?: Readonly<Record<string, string>>;
  /** Sent as `X-Scope-OrgID` (Mimir, Cortex, Loki-style multi-tenancy). */
  readonly tenant?: string;
  readonly timeoutMs: number;
  /** Further attempts after a failure the source may recover from (network, timeout, 5xx, 429). */
  readonly retries: number;
  /** Thanos: whether a partial answer (some store down) is acceptable; sloe asks for `partial_response=false` by default. */
  readonly partialResponse: boolean;
}

export interface VectorSample {
  readonly metric: Readonly<Record<string, string>>;
  readonly value: number;
}

export interface ClientOptions {
  readonly fetch?: typeof fetch;
  /** Waits between attempts; tests pass a recorder. */
  readonly sleep?: (ms: number) => Promise<void>;
  /** First backoff; doubled on every retry, with jitter. */
  readonly backoffMs?: number;
}

interface PrometheusAnswer {
  status?: string;
  errorType?: string;
  error?: string;
  warnings?: string[];
  data?: { resultType?: string; result?: unknown };
}

class Retryable extends Error {}

/**
 * A client for the Prometheus HTTP query API as Prometheus, Thanos, Mimir, Cortex and VictoriaMetrics serve it:
 * instant queries by POST form, the configured headers and tenant, a timeout per attempt, and retries with exponential
 * backoff for failures worth retrying (a query the source refuses as bad is not retried).
 */
export class PrometheusClient {
  private readonly fetch: typeof fetch;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly backoffMs: number;

  constructor(
    readonly config: SourceConfig,
    options: ClientOptions = {},
  ) {
    if (!/^https?:\/\//.test(config.url)) throw new SloeError('config_invalid', `source ${config.name}: url must be http(s), got ${config.url}`);
    this.fetch = options.fetch ?? fetch;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.backoffMs = options.backoffMs ?? 200;
  }

  /** Evaluates `query` at `timeMs` (Unix ms); a scalar answer is returned as one sample without labels. */
  async instant(query: string, timeMs: number): Promise<VectorSample[]> {
    let lastError: Error | undefined;
    for (let attempt = 0; attempt <= this.config.retries; attempt++) {
      if (attempt > 0) await this.sleep(this.backoffMs * 2 ** (attempt - 1) * (0.75 + Math.random() * 0.5));
      try {
        return await this.attempt(query, timeMs);
      } catch (error) {
        if (!(error instanceof Retryable)) throw error;
        lastError = error;
      }
    }
    throw new SloeError('source_unavailable', `source ${this.config.name}: ${lastError?.message ?? 'failed'} (after ${this.config.retries + 1} attempts)`, { status: 503, cause: lastError });
  }

  private async attempt(query: string, timeMs: number): Promise<VectorSample[]> {
    const body = new URLSearchParams({ query, time: (timeMs / 1000).toFixed(3), partial_response: String(this.config.partialResponse) });
    const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json', ...this.config.headers };
    if (this.config.tenant !== undefined) headers['X-Scope-OrgID'] = this.config.tenant;
    let response: Response;
    try {
      response = await this.fetch(`${this.config.url.replace(/\/+$/, '')}/api/v1/query`, { method: 'POST', body, headers, signal: AbortSignal.timeout(this.config.timeoutMs) });
    } catch (error) {
      const timedOut = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
      throw new Retryable(timedOut ? `no answer within ${this.config.timeoutMs} ms` : `unreachable (${describe(error)})`);
    }
    let answer: PrometheusAnswer | undefined;
    let text = '';
    try {
      text = await response.text();
      answer = JSON.parse(text) as PrometheusAnswer;
    } catch (error) {
      if (response.status >= 500 || response.status === 429 || (error instanceof Error && error.name === 'TimeoutError')) throw new Retryable(`HTTP ${response.status}`);
      answer = undefined;
    }
    if (response.status === 429 || response.status >= 500) {
      throw new Retryable(`HTTP ${response.status}${answer?.error ? `: ${answer.error}` : ''}`);
    }
    if (!response.ok || answer?.status !== 'success') {
      const reason = answer?.error ?? (text.slice(0, 200) || `HTTP ${response.status}`);
      throw new SloeError('source_query_failed', `source ${this.config.name} refused the query ${query}: ${reason}`, { status: 502 });
    }
    return parseResult(this.config.name, answer.data);
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

function sampleValue(pair: unknown, invalid: () => Error): number {
  if (!Array.isArray(pair) || pair.length !== 2 || typeof pair[1] !== 'string') throw invalid();
  return Number(pair[1]);
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? error.message;
}
