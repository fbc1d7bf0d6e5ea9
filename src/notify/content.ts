import type { Alerting, AlertStatus, Labels, SloStatus } from '../core/index.js';
import { GROUP_LABEL, LABELS, SEVERITY_LABEL, groupSelector, objectiveIdentity } from '../core/index.js';
import type { AlertNotification, IncidentKind, NotificationState } from './types.js';

/** Alert name used when the spec gives none. */
export const DEFAULT_ALERT_NAME = 'SloErrorBudgetBurn';

export interface IncidentFacts {
  readonly incident: string;
  readonly severity: string;
  readonly urgency: 'page' | 'ticket';
  readonly kind: IncidentKind;
  readonly state: NotificationState;
  readonly startsAt: number;
  readonly at: number;
  /** The highest firing tier of the incident's severity; absent for no-data and for resolves. */
  readonly tier?: AlertStatus;
}

export interface ContentOptions {
  /** Where users reach sloe's UI, without a trailing slash. */
  readonly publicUrl: string;
}

/** Alertmanager label names must match [a-zA-Z_][a-zA-Z0-9_]*; anything else is rewritten rather than dropped. */
export function labelName(name: string): string {
  const cleaned = name.replace(/[^a-zA-Z0-9_]/g, '_');
  return /^[a-zA-Z_]/.test(cleaned) ? cleaned : `_${cleaned}`;
}

function sanitizedLabels(labels: Labels): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(labels)) if (value !== '') out[labelName(name)] = value;
  return out;
}

export function percent(ratio: number, digits = 1): string {
  return `${(ratio * 100).toFixed(digits)}%`;
}

/** An SLI or objective shown with enough decimals to tell 99.9 % from 99.95 %. */
function ratioText(ratio: number): string {
  const text = (ratio * 100).toFixed(3).replace(/0+$/, '').replace(/\.$/, '');
  return `${text}%`;
}

export function burnText(rate: number | null): string {
  if (rate === null) return 'no data';
  return rate >= 100 ? `${Math.round(rate)}×` : `${rate.toFixed(1)}×`;
}

/** Seconds as the two largest units a person reads at a glance: `3d 4h`, `1h 30m`, `12m`. */
export function durationText(seconds: number): string {
  if (seconds < 60) return `${Math.max(0, Math.round(seconds))}s`;
  const units: [string, number][] = [
    ['d', 86_400],
    ['h', 3_600],
    ['m', 60],
  ];
  const parts: string[] = [];
  let rest = Math.floor(seconds);
  for (const [unit, size] of units) {
    const count = Math.floor(rest / size);
    rest -= count * size;
    if (count > 0) parts.push(`${count}${unit}`);
    else if (parts.length > 0) break;
    if (parts.length === 2) break;
  }
  return parts.join(' ');
}

export function sloUrl(publicUrl: string, name: string): string {
  return `${publicUrl}/#/slo/${encodeURIComponent(name)}`;
}

function summaryOf(status: SloStatus, facts: IncidentFacts): string {
  // A group names itself first thing: `orders{route="/v1/orders"} (shop)`, so a page says which route burns.
  const subject = `${objectiveIdentity(status)} (${status.service})`;
  if (facts.kind === 'nodata') {
    return facts.state === 'firing' ? `${subject}: no events received; the SLO cannot be measured` : `${subject}: events are arriving again`;
  }
  if (facts.state === 'resolved') return `${subject}: error budget burn back under the ${facts.severity} thresholds`;
  const tier = facts.tier;
  const rate = tier ? `${burnText(tier.longBurnRate)} ` : '';
  const remaining = status.errorBudget.remaining;
  const left = remaining === null ? 'budget unknown (no events in the period)' : remaining > 0 ? `${percent(remaining)} of the budget left` : `budget exhausted (${percent(-remaining)} overspent)`;
  return `${subject} is burning its error budget ${rate}too fast (${facts.severity}); ${left}`;
}

function descriptionOf(status: SloStatus, facts: IncidentFacts): string {
  const group = status.group === undefined ? '' : `, group ${groupSelector(status.group)}`;
  const lines = [`SLO ${status.name}${group} of service ${status.service}: objective ${ratioText(status.objective)} over ${status.window}, SLI now ${status.sli === null ? 'unknown (no events)' : ratioText(status.sli)}.`];
  const tier = facts.tier;
  if (facts.kind === 'nodata') {
    lines.push(facts.state === 'firing' ? `No events in the window${status.reason ? ` (${status.reason})` : ''}: check that the service and its telemetry are up.` : 'Events are arriving again.');
  } else if (tier && facts.state === 'firing') {
    lines.push(
      `Burn rate ${burnText(tier.longBurnRate)} over ${tier.longWindow} and ${burnText(tier.shortBurnRate)} over ${tier.shortWindow}, both above the ${facts.severity} threshold ${tier.burnRateThreshold}× (tier ${tier.tier}).`,
    );
  } else if (facts.state === 'resolved') {
    lines.push(`Every ${facts.severity} tier is back under its threshold.`);
  }
  const { remaining: left, consumed } = status.errorBudget;
  const remaining = left === null || consumed === null ? 'Error budget remaining: unknown (no events in the period).' : `Error budget remaining: ${percent(left)} (consumed ${percent(consumed)}).`;
  const exhaustion = status.timeToExhaustion === null ? '' : ` At the current burn the budget is exhausted in ${durationText(status.timeToExhaustion)}.`;
  lines.push(remaining + exhaustion);
  return lines.join('\n');
}

/** Builds the receiver-independent notification for one incident of one objective from its latest status. */
export function buildNotification(status: SloStatus, alerting: Alerting | undefined, facts: IncidentFacts, options: ContentOptions): AlertNotification {
  const baseName = alerting?.name ?? DEFAULT_ALERT_NAME;
  const alertName = facts.kind === 'nodata' ? `${baseName}NoData` : baseName;
  const names = LABELS.default;
  // Sloth's page_alert/ticket_alert: the labels and annotations the spec gives the tiers of this severity.
  const severityTiers = facts.kind === 'burn' ? (alerting?.tiers ?? []).filter((tier) => tier.severity === facts.severity) : [];
  const tierLabels = Object.assign({}, ...severityTiers.map((tier) => tier.labels ?? {})) as Record<string, string>;
  const tierAnnotations = Object.assign({}, ...severityTiers.map((tier) => tier.annotations ?? {})) as Record<string, string>;
  const labels: Record<string, string> = {
    ...sanitizedLabels(status.labels),
    ...sanitizedLabels(alerting?.labels ?? {}),
    ...sanitizedLabels(tierLabels),
    // A group's labels identify its alert (route="/v1/orders"), over any spec label of the same name; they are not in
    // Alertmanager's usual group_by, so a flood of burning groups is one Alertmanager notification listing them all.
    ...sanitizedLabels(status.group ?? {}),
    // Identity comes last so a spec label cannot merge a page and a ticket into one Alertmanager alert.
    alertname: alertName,
    [names.slo]: status.name,
    [names.service]: status.service,
    [SEVERITY_LABEL]: facts.severity,
    ...(status.group === undefined ? {} : { [GROUP_LABEL]: groupSelector(status.group) }),
  };
  const ui = sloUrl(options.publicUrl, status.name);
  const links = {
    ui,
    ...(alerting?.dashboardUrl === undefined ? {} : { dashboard: alerting.dashboardUrl }),
    ...(alerting?.runbookUrl === undefined ? {} : { runbook: alerting.runbookUrl }),
  };
  const summary = summaryOf(status, facts);
  const description = descriptionOf(status, facts);
  const tier = facts.tier;
  const annotations: Record<string, string> = {
    ...(alerting?.annotations ?? {}),
    ...tierAnnotations,
    summary,
    description,
    slo_url: ui,
    ...(links.runbook === undefined ? {} : { runbook_url: links.runbook }),
    ...(links.dashboard === undefined ? {} : { dashboard_url: links.dashboard }),
    budget_remaining: status.errorBudget.remaining === null ? 'unknown' : status.errorBudget.remaining.toFixed(4),
    ...(tier ? { tier: tier.tier, burn_rate: String(tier.longBurnRate ?? ''), burn_rate_threshold: String(tier.burnRateThreshold) } : {}),
  };
  return {
    incident: facts.incident,
    slo: status.name,
    ...(status.group === undefined ? {} : { group: status.group }),
    service: status.service,
    severity: facts.severity,
    urgency: facts.urgency,
    kind: facts.kind,
    state: facts.state,
    alertName,
    labels,
    annotations,
    summary,
    description,
    startsAt: facts.startsAt,
    ...(facts.state === 'resolved' ? { endsAt: facts.at } : {}),
    at: facts.at,
    links,
    figures: {
      objective: status.objective,
      window: status.window,
      sli: status.sli,
      budgetRemaining: status.errorBudget.remaining,
      timeToExhaustionSeconds: status.timeToExhaustion,
      ...(tier
        ? {
            burn: {
              tier: tier.tier,
              longWindow: tier.longWindow,
              shortWindow: tier.shortWindow,
              longBurnRate: tier.longBurnRate,
              shortBurnRate: tier.shortBurnRate,
              threshold: tier.burnRateThreshold,
            },
          }
        : {}),
      burnRates: status.burnRates,
    },
  };
}
