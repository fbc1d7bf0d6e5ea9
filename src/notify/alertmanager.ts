import { SloeError } from '../core/index.js';
import { post } from './http.js';
import type { AlertNotification, DeliveryResult, Notifier } from './types.js';

export interface AlertmanagerOptions {
  readonly name: string;
  /** Base URL of one Alertmanager, e.g. `http://127.0.0.1:9093` (a path prefix is kept). */
  readonly url: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly timeoutMs?: number;
  /**
   * How far ahead `endsAt` of a firing alert is set: Prometheus uses 4 × max(resend interval, evaluation interval), so
   * a few lost re-sends do not resolve the alert, yet Alertmanager resolves it by itself when sloe is gone.
   */
  readonly leaseMs: number;
  /** The clock `endsAt` is computed from when the alert is actually sent (it may have waited in a queue). */
  readonly now?: () => number;
}

/** The Alertmanager API v2 `postableAlert`. */
export interface PostableAlert {
  readonly labels: Record<string, string>;
  readonly annotations: Record<string, string>;
  readonly startsAt: string;
  readonly endsAt: string;
  readonly generatorURL: string;
}

export function postableAlert(notification: AlertNotification, sentAt: number, leaseMs: number): PostableAlert {
  const endsAt = notification.state === 'firing' ? sentAt + leaseMs : (notification.endsAt ?? notification.at);
  return {
    labels: { ...notification.labels },
    annotations: { ...notification.annotations },
    startsAt: new Date(notification.startsAt).toISOString(),
    endsAt: new Date(endsAt).toISOString(),
    generatorURL: notification.links.ui,
  };
}

/** Sends to one Alertmanager; an HA pair is two of these, each with its own queue, so each gets every alert. */
export class AlertmanagerNotifier implements Notifier {
  readonly kind = 'alertmanager' as const;
  readonly leased = true;
  readonly name: string;
  private readonly endpoint: string;
  private readonly headers: Readonly<Record<string, string>>;
  private readonly timeoutMs: number;
  private readonly leaseMs: number;
  private readonly now: () => number;

  constructor(options: AlertmanagerOptions) {
    if (!/^https?:\/\//.test(options.url)) throw new SloeError('config_invalid', `alertmanager ${options.name}: url must be http(s), got ${options.url}`);
    if (!(options.leaseMs > 0)) throw new SloeError('config_invalid', `alertmanager ${options.name}: leaseMs must be positive`);
    this.name = options.name;
    this.endpoint = `${options.url.replace(/\/+$/, '')}/api/v2/alerts`;
    this.headers = options.headers ?? {};
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.leaseMs = options.leaseMs;
    this.now = options.now ?? Date.now;
  }

  send(notification: AlertNotification): Promise<DeliveryResult> {
    const body = JSON.stringify([postableAlert(notification, this.now(), this.leaseMs)]);
    return post(this.endpoint, body, { headers: this.headers, timeoutMs: this.timeoutMs });
  }
}
