import { SloeError } from '../core/index.js';
import { signBody } from '../delivery/index.js';
import { post } from './http.js';
import type { AlertNotification, DeliveryResult, Notifier } from './types.js';

export const SIGNATURE_HEADER = 'X-Sloe-Signature';
export const TIMESTAMP_HEADER = 'X-Sloe-Timestamp';

export interface WebhookOptions {
  readonly name: string;
  readonly url: string;
  readonly secret?: string;
  readonly severities?: readonly string[];
  readonly timeoutMs?: number;
  readonly now?: () => number;
}

/**
 * `sha256=<hex HMAC-SHA256 of the body>`: the receiver recomputes it over the raw body with the shared secret. The
 * one signing function (delivery/'s), kept under this name and argument order for existing callers.
 */
export function signature(secret: string, body: string): string {
  return signBody(body, secret);
}

/** The generic webhook body: the whole notification, its state and when it was sent (inside the signed body). */
export function webhookBody(notification: AlertNotification, receiver: string, sentAt: number): string {
  return JSON.stringify({ version: '1', receiver, status: notification.state, sentAt: new Date(sentAt).toISOString(), alert: notification });
}

/** A generic JSON webhook; 2xx accepted, 408, 425, 429 and 5xx retried (honouring Retry-After), other 4xx refused. */
export class WebhookNotifier implements Notifier {
  readonly kind = 'webhook' as const;
  readonly leased = false;
  readonly name: string;
  readonly severities: readonly string[] | undefined;
  private readonly url: string;
  private readonly secret: string | undefined;
  private readonly timeoutMs: number;
  private readonly now: () => number;

  constructor(options: WebhookOptions) {
    if (!/^https?:\/\//.test(options.url)) throw new SloeError('config_invalid', `webhook ${options.name}: url must be http(s)`);
    if (options.secret !== undefined && options.secret === '') throw new SloeError('config_invalid', `webhook ${options.name}: secret is empty`);
    this.name = options.name;
    this.url = options.url;
    this.secret = options.secret;
    this.severities = options.severities;
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.now = options.now ?? Date.now;
  }

  send(notification: AlertNotification): Promise<DeliveryResult> {
    const sentAt = this.now();
    const body = webhookBody(notification, this.name, sentAt);
    const headers: Record<string, string> = {};
    if (this.secret !== undefined) {
      headers[SIGNATURE_HEADER] = signature(this.secret, body);
      headers[TIMESTAMP_HEADER] = String(Math.floor(sentAt / 1000));
    }
    return post(this.url, body, { headers, timeoutMs: this.timeoutMs });
  }
}
