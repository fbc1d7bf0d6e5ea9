import { send } from '../delivery/index.js';
import type { DeliveryResult } from '../delivery/index.js';

export interface PostOptions {
  readonly headers?: Readonly<Record<string, string>>;
  readonly timeoutMs: number;
  /** Decides on a 2xx reply whether it really is a success (Slack answers 200 `ok`). */
  readonly accept?: (status: number, body: string) => boolean;
}

/**
 * POSTs a JSON body through the one delivery path (delivery/: classification, timeouts) and says what came of it;
 * never throws. The receivers' queue retries by the same rule.
 */
export function post(url: string, body: string, options: PostOptions): Promise<DeliveryResult> {
  return send({ url, method: 'POST', headers: { 'content-type': 'application/json', ...options.headers }, body, timeoutMs: options.timeoutMs }, options.accept ? { accept: options.accept } : {});
}
