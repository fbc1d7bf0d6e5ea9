import type { DeliveryResult } from './types.js';

export interface PostOptions {
  readonly headers?: Readonly<Record<string, string>>;
  readonly timeoutMs: number;
  /** Decides on a 2xx reply whether it really is a success (Slack answers 200 `ok`). */
  readonly accept?: (status: number, body: string) => boolean;
}

/** `Retry-After` in seconds or as an HTTP date, as milliseconds from now; undefined when absent or unreadable. */
export function retryAfterMs(header: string | null, now: number): number | undefined {
  if (header === null || header.trim() === '') return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** Classifies a reply the way every receiver documents it: 2xx accepted, 429 and 5xx retried, other 4xx refused. */
export function classify(status: number, body: string, retryAfter: number | undefined): DeliveryResult {
  const detail = body.trim().slice(0, 300);
  if (status >= 200 && status < 300) return { outcome: 'delivered', status };
  if (status === 429 || status >= 500 || status === 408) {
    return { outcome: 'retry', status, reason: `HTTP ${status}${detail ? `: ${detail}` : ''}`, ...(retryAfter === undefined ? {} : { retryAfterMs: retryAfter }) };
  }
  return { outcome: 'rejected', status, reason: `HTTP ${status}${detail ? `: ${detail}` : ''}` };
}

/** POSTs a body and turns whatever happens (reply, refusal, timeout) into a DeliveryResult; never throws. */
export async function post(url: string, body: string, options: PostOptions): Promise<DeliveryResult> {
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': 'sloe', ...options.headers },
      body,
      signal: AbortSignal.timeout(options.timeoutMs),
    });
  } catch (error) {
    const cause = (error as Error & { cause?: { code?: string } }).cause;
    const reason = (error as Error).name === 'TimeoutError' ? `timed out after ${options.timeoutMs} ms` : `${(error as Error).message}${cause?.code ? ` (${cause.code})` : ''}`;
    return { outcome: 'retry', reason };
  }
  let text: string;
  try {
    text = await response.text();
  } catch (error) {
    return { outcome: 'retry', status: response.status, reason: `reply unreadable: ${(error as Error).message}` };
  }
  const result = classify(response.status, text, retryAfterMs(response.headers.get('retry-after'), Date.now()));
  if (result.outcome === 'delivered' && options.accept && !options.accept(response.status, text)) {
    return { outcome: 'rejected', status: response.status, reason: `unexpected reply: ${text.slice(0, 300)}` };
  }
  return result;
}
