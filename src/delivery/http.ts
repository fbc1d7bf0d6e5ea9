import { classifyStatus, retryAfterMs } from './classify.js';
import type { DeliveryResult } from './result.js';

/** The fetch a sender uses; tests hand in their own. */
export type Fetch = (input: string, init?: RequestInit) => Promise<Response>;

export interface OutboundRequest {
  readonly url: string;
  /** Default POST. */
  readonly method?: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string | URLSearchParams;
  /** Per attempt: a receiver that has not answered by then counts as a retryable failure. */
  readonly timeoutMs: number;
}

/** What came back: a reply (any status), or no reply at all (refused, reset, timed out). */
export type Exchange =
  | { readonly kind: 'reply'; readonly status: number; readonly body: string; readonly retryAfterMs?: number }
  | { readonly kind: 'unanswered'; readonly reason: string; readonly timedOut: boolean; readonly cause: unknown };

/** One HTTP exchange with a time limit; never throws: a failure to get a reply is an `unanswered` exchange. */
export async function exchange(request: OutboundRequest, fetchImpl: Fetch = fetch): Promise<Exchange> {
  let response: Response;
  try {
    response = await fetchImpl(request.url, {
      method: request.method ?? 'POST',
      headers: { 'user-agent': 'sloe', ...request.headers },
      ...(request.body === undefined ? {} : { body: request.body }),
      signal: AbortSignal.timeout(request.timeoutMs),
    });
  } catch (error) {
    return unanswered(error, request.timeoutMs);
  }
  let body: string;
  try {
    body = await response.text();
  } catch (error) {
    return unanswered(error, request.timeoutMs);
  }
  const retryAfter = retryAfterMs(response.headers.get('retry-after'), Date.now());
  return { kind: 'reply', status: response.status, body, ...(retryAfter === undefined ? {} : { retryAfterMs: retryAfter }) };
}

function unanswered(error: unknown, timeoutMs: number): Exchange {
  const name = error instanceof Error ? error.name : '';
  const timedOut = name === 'TimeoutError' || name === 'AbortError';
  const code = (error as { cause?: { code?: string } } | undefined)?.cause?.code;
  const message = error instanceof Error ? error.message : String(error);
  return { kind: 'unanswered', reason: timedOut ? `timed out after ${timeoutMs} ms` : `${message}${code ? ` (${code})` : ''}`, timedOut, cause: error };
}

/** An exchange as a DeliveryResult, by the one status rule (classifyStatus). */
export function resultOf(answer: Exchange): DeliveryResult {
  if (answer.kind === 'unanswered') return { outcome: 'retry', reason: answer.reason };
  const detail = answer.body.trim().slice(0, 300);
  const reason = `HTTP ${answer.status}${detail ? `: ${detail}` : ''}`;
  switch (classifyStatus(answer.status)) {
    case 'success':
      return { outcome: 'delivered', status: answer.status };
    case 'retry':
      return { outcome: 'retry', status: answer.status, reason, ...(answer.retryAfterMs === undefined ? {} : { retryAfterMs: answer.retryAfterMs }) };
    case 'final':
      return { outcome: 'rejected', status: answer.status, reason };
  }
}

export interface SendOptions {
  readonly fetch?: Fetch;
  /** Decides on a 2xx reply whether it really is a success (Slack answers 200 `ok`). */
  readonly accept?: (status: number, body: string) => boolean;
}

/** Sends one request and says what came of it; never throws. */
export async function send(request: OutboundRequest, options: SendOptions = {}): Promise<DeliveryResult> {
  const answer = await exchange(request, options.fetch);
  const result = resultOf(answer);
  if (result.outcome === 'delivered' && answer.kind === 'reply' && options.accept && !options.accept(answer.status, answer.body)) {
    return { outcome: 'rejected', status: answer.status, reason: `unexpected reply: ${answer.body.slice(0, 300)}` };
  }
  return result;
}
