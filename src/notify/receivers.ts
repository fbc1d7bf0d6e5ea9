import { SloeError } from '../core/index.js';
import { AlertmanagerNotifier } from './alertmanager.js';
import { PagerDutyNotifier } from './pagerduty.js';
import { SlackNotifier } from './slack.js';
import type { Notifier } from './types.js';
import { WebhookNotifier } from './webhook.js';

/** The `notifiers.*` receiver lists as configured (see config/table.ts). */
export interface ReceiversConfig {
  readonly alertmanager: readonly { name?: string; url: string; headers?: Record<string, string> }[];
  readonly pagerduty: readonly { name?: string; routingKey: string; url?: string; severities?: string[] }[];
  readonly slack: readonly { name?: string; webhookUrl: string; severities?: string[] }[];
  readonly webhooks: readonly { name?: string; url: string; secret?: string; severities?: string[] }[];
}

export interface ReceiverTiming {
  /** `endsAt` lease of firing alerts sent to Alertmanager. */
  readonly leaseMs: number;
  readonly timeoutMs?: number;
}

/**
 * Prometheus's lease: endsAt = now + 4 × max(resend interval, evaluation interval), so an alert survives three lost
 * re-sends and still ends by itself when its sender is gone.
 */
export function leaseFor(resendIntervalMs: number, evaluationIntervalMs: number): number {
  return 4 * Math.max(resendIntervalMs, evaluationIntervalMs);
}

/** Default receiver names: the kind for the first of a kind, then `-2`, `-3`... (`alertmanager`, `alertmanager-2`). */
function defaultName(kind: string, index: number): string {
  return index === 0 ? kind : `${kind}-${index + 1}`;
}

/** Builds one notifier per configured receiver; names must be unique across kinds (routes refer to them). */
export function buildReceivers(config: ReceiversConfig, timing: ReceiverTiming): Notifier[] {
  const timeout = timing.timeoutMs === undefined ? {} : { timeoutMs: timing.timeoutMs };
  const notifiers: Notifier[] = [
    ...config.alertmanager.map((entry, index) => new AlertmanagerNotifier({ name: entry.name ?? defaultName('alertmanager', index), url: entry.url, headers: entry.headers ?? {}, leaseMs: timing.leaseMs, ...timeout })),
    ...config.pagerduty.map(
      (entry, index) =>
        new PagerDutyNotifier({
          name: entry.name ?? defaultName('pagerduty', index),
          routingKey: entry.routingKey,
          ...(entry.url === undefined ? {} : { url: entry.url }),
          ...(entry.severities === undefined ? {} : { severities: entry.severities }),
          ...timeout,
        }),
    ),
    ...config.slack.map((entry, index) => new SlackNotifier({ name: entry.name ?? defaultName('slack', index), webhookUrl: entry.webhookUrl, ...(entry.severities === undefined ? {} : { severities: entry.severities }), ...timeout })),
    ...config.webhooks.map(
      (entry, index) =>
        new WebhookNotifier({
          name: entry.name ?? defaultName('webhook', index),
          url: entry.url,
          ...(entry.secret === undefined ? {} : { secret: entry.secret }),
          ...(entry.severities === undefined ? {} : { severities: entry.severities }),
          ...timeout,
        }),
    ),
  ];
  const seen = new Set<string>();
  for (const notifier of notifiers) {
    if (seen.has(notifier.name)) throw new SloeError('config_invalid', `notifiers: two receivers are named ${notifier.name}; give them distinct names`);
    seen.add(notifier.name);
  }
  return notifiers;
}
