import { SloeError } from '../core/index.js';
import { classifyStatus, exchange as deliveryExchange } from '../delivery/index.js';
import type { Fetch } from '../delivery/index.js';

/** The fetch the provisioner uses; tests and the daemon may hand in their own. */
export type { Fetch };

export interface HttpReply {
  readonly status: number;
  readonly body: string;
  /** The service's Retry-After, as milliseconds from now, when it sent one. */
  readonly retryAfterMs?: number;
}

/** Statuses worth retrying, by delivery/'s one rule: 408, 425, 429 and 5xx (the service is busy or failing for a moment). */
export function isRetryableStatus(status: number): boolean {
  return classifyStatus(status) === 'retry';
}

/** A failed push or read; `retryable` says whether trying again may help (network errors, 408, 425, 429, 5xx). */
export class ProvisionError extends SloeError {
  readonly retryable: boolean;
  /** How long the service asked to be left alone (Retry-After), for the retry loop. */
  readonly retryAfterMs: number | undefined;

  constructor(message: string, options: { status?: number; retryable: boolean; retryAfterMs?: number; cause?: unknown }) {
    super('provision_failed', message, { status: options.status ?? 502, ...(options.cause === undefined ? {} : { cause: options.cause }) });
    this.retryable = options.retryable;
    this.retryAfterMs = options.retryAfterMs;
  }
}

/** One HTTP exchange with a time limit, through delivery/. Network failures and timeouts become retryable ProvisionErrors. */
export async function exchange(fetchImpl: Fetch, method: string, url: string, init: { headers?: Record<string, string>; body?: string; timeoutMs: number }): Promise<HttpReply> {
  const reply = await deliveryExchange({ url, method, headers: init.headers ?? {}, ...(init.body === undefined ? {} : { body: init.body }), timeoutMs: init.timeoutMs }, fetchImpl);
  if (reply.kind === 'unanswered') throw new ProvisionError(`${method} ${url}: ${reply.reason}`, { retryable: true, cause: reply.cause });
  return { status: reply.status, body: reply.body, ...(reply.retryAfterMs === undefined ? {} : { retryAfterMs: reply.retryAfterMs }) };
}

/** Throws unless the reply has one of the expected statuses, with the service's own message in the error. */
export function expectStatus(reply: HttpReply, expected: readonly number[], what: string): HttpReply {
  if (expected.includes(reply.status)) return reply;
  const detail = reply.body.trim().slice(0, 500);
  throw new ProvisionError(`${what}: HTTP ${reply.status}${detail ? `: ${detail}` : ''}`, {
    status: reply.status,
    retryable: isRetryableStatus(reply.status),
    ...(reply.retryAfterMs === undefined ? {} : { retryAfterMs: reply.retryAfterMs }),
  });
}
