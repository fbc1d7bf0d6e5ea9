import { SloeError } from '../core/index.js';
import { post } from './http.js';
import type { AlertNotification, DeliveryResult, Notifier } from './types.js';

export type PagerDutySeverity = 'critical' | 'error' | 'warning' | 'info';

/** page → critical, ticket → warning; a renamed severity not listed here maps by its urgency (page or ticket). */
export const DEFAULT_PAGERDUTY_SEVERITIES: Readonly<Record<string, PagerDutySeverity>> = { page: 'critical', ticket: 'warning' };

export interface PagerDutyOptions {
  readonly name: string;
  readonly routingKey: string;
  readonly url?: string;
  readonly severities?: readonly string[];
  readonly severityMap?: Readonly<Record<string, PagerDutySeverity>>;
  readonly timeoutMs?: number;
}

/**
 * The dedup key of an incident: stable across restarts and replicas, so triggers and resolves meet one incident. A
 * group's names the group (`sloe/orders{route="/v1/orders"}/page`); a batch of groups is `sloe/orders/page/groups`.
 */
export function pagerDutyDedupKey(notification: AlertNotification): string {
  return `sloe/${notification.incident}`.slice(0, 255);
}

/** A PagerDuty Events API v2 event (https://developer.pagerduty.com/docs/events-api-v2/trigger-events/). */
export function pagerDutyEvent(notification: AlertNotification, routingKey: string, severityMap: Readonly<Record<string, PagerDutySeverity>>): Record<string, unknown> {
  const dedupKey = pagerDutyDedupKey(notification);
  if (notification.state === 'resolved') return { routing_key: routingKey, event_action: 'resolve', dedup_key: dedupKey };
  const links = [{ href: notification.links.ui, text: `SLO ${notification.slo} in sloe` }];
  if (notification.links.dashboard) links.push({ href: notification.links.dashboard, text: 'Dashboard' });
  if (notification.links.runbook) links.push({ href: notification.links.runbook, text: 'Runbook' });
  const burn = notification.figures.burn;
  return {
    routing_key: routingKey,
    event_action: 'trigger',
    dedup_key: dedupKey,
    payload: {
      summary: notification.summary.slice(0, 1024),
      source: notification.links.ui,
      severity: severityMap[notification.severity] ?? severityMap[notification.urgency] ?? 'error',
      timestamp: new Date(notification.startsAt).toISOString(),
      component: notification.service,
      group: notification.slo,
      class: notification.kind === 'nodata' ? 'slo-no-data' : 'slo-burn-rate',
      custom_details: {
        description: notification.description,
        slo: notification.slo,
        ...(notification.group === undefined ? {} : { group: notification.group }),
        ...(notification.groups === undefined ? {} : { groups: notification.groups }),
        service: notification.service,
        severity: notification.severity,
        objective: notification.figures.objective,
        window: notification.figures.window,
        sli: notification.figures.sli,
        budget_remaining: notification.figures.budgetRemaining,
        time_to_exhaustion_seconds: notification.figures.timeToExhaustionSeconds,
        ...(burn ? { tier: burn.tier, burn_rate_long: burn.longBurnRate, burn_rate_short: burn.shortBurnRate, burn_rate_threshold: burn.threshold, long_window: burn.longWindow, short_window: burn.shortWindow } : {}),
        ...(notification.links.runbook ? { runbook_url: notification.links.runbook } : {}),
        labels: notification.labels,
      },
    },
    client: 'sloe',
    client_url: notification.links.ui,
    links,
  };
}

/** PagerDuty Events API v2: 202 accepted; 400 refused for good (and reported); 429 and 5xx retried with backoff. */
export class PagerDutyNotifier implements Notifier {
  readonly kind = 'pagerduty' as const;
  readonly leased = false;
  readonly name: string;
  readonly severities: readonly string[] | undefined;
  private readonly routingKey: string;
  private readonly url: string;
  private readonly severityMap: Readonly<Record<string, PagerDutySeverity>>;
  private readonly timeoutMs: number;

  constructor(options: PagerDutyOptions) {
    if (options.routingKey.trim() === '') throw new SloeError('config_invalid', `pagerduty ${options.name}: routingKey is empty`);
    if (options.url !== undefined && !/^https?:\/\//.test(options.url)) throw new SloeError('config_invalid', `pagerduty ${options.name}: url must be http(s)`);
    this.name = options.name;
    this.routingKey = options.routingKey;
    this.url = options.url ?? 'https://events.pagerduty.com/v2/enqueue';
    this.severities = options.severities;
    this.severityMap = options.severityMap ?? DEFAULT_PAGERDUTY_SEVERITIES;
    this.timeoutMs = options.timeoutMs ?? 10_000;
  }

  send(notification: AlertNotification): Promise<DeliveryResult> {
    return post(this.url, JSON.stringify(pagerDutyEvent(notification, this.routingKey, this.severityMap)), { timeoutMs: this.timeoutMs });
  }
}
