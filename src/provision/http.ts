import { SloeError } from '../core/index.js';

/** The fetch the provisioner uses; tests and the daemon may hand in their own. */
export type Fetch = (input: string, init?: RequestInit) => Promise<Response>;

export interface HttpReply {
  readonly status: number;
  readonly body: string;
}

/** Statuses worth retrying: the service is overloaded or failing for a moment, not refusing the request. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

/** A failed push or read; `retryable` says whether trying again may help (network errors, 5xx, 429). */
export class ProvisionError extends SloeError {
  readonly retryable: boolean;

  constructor(message: string, options: { status?: number; retryable: boolean; cause?: unknown }) {
    super('provision_failed', message, { status: options.status ?? 502, ...(options.cause === undefined ? {} : { cause: options.cause }) });
    this.retryable = options.retryable;
  }
}

/** One HTTP exchange with a time limit. Network failures and timeouts become retryable ProvisionErrors. */
export async function exchange(fetchImpl: Fetch, method: string, url: string, init: { headers?: Record<string, string>; body?: string; timeoutMs: number }): Promise<HttpReply> {
  let response: Response;
  try {
    response = await fetchImpl(url, { method, headers: init.headers ?? {}, ...(init.body === undefined ? {} : { body: init.body }), signal: AbortSignal.timeout(init.timeoutMs) });
  } catch (cause) {
    throw new ProvisionError(`${method} ${url}: ${cause instanceof Error ? cause.message : String(cause)}`, { retryable: true, cause });
  }
  return { status: response.status, body: await response.text() };
}

/** Throws unless the reply has one of the expected statuses, with the service's own message in the error. */
export function expectStatus(reply: HttpReply, expected: readonly number[], what: string): HttpReply {
  if (expected.includes(reply.status)) return reply;
  const detail = reply.body.trim().slice(0, 500);
  throw new ProvisionError(`${what}: HTTP ${reply.status}${detail ? `: ${detail}` : ''}`, { status: reply.status, retryable: isRetryableStatus(reply.status) });
}
