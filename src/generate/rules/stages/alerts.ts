import { METRICS, SEVERITY_LABEL, SLOTH_SEVERITY_LABEL, TIER_LABEL, formatDuration, windowLabel } from '../../../core/index.js';
import type { AlertTier, DurationMs, Labels } from '../../../core/index.js';
import { number } from '../promql.js';
import { seriesKeys } from '../target.js';
import type { Target } from '../target.js';
import type { AlertingRule, PlacedRule } from '../types.js';

const NO_DATA_TIER = 'nodata';

function percent(ratio: number): string {
  return `${number(ratio * 100)}%`;
}

/** `page` or `ticket`: the tier's class even when the SLO renamed its severity (Sloth's `sloth_severity`). */
export function severityClass(tier: AlertTier): string {
  if (tier.severity === 'page' || tier.severity === 'ticket') return tier.severity;
  return tier.name.startsWith('ticket') ? 'ticket' : 'page';
}

/** `max without (slo_window) (slo:sli_error:ratio_rate5m{...} > 0.0144)`: the window label dropped so windows can be and-ed. */
function burning(target: Target, window: DurationMs, threshold: string): string {
  return `max without (${target.keys.window}) (${METRICS.sliErrorRatio(formatDuration(window))}${target.selector} > ${threshold})`;
}

function tierExpression(target: Target, tier: AlertTier): string {
  const threshold = `(${number(tier.burnRateThreshold)} * ${number(target.errorBudget)})`;
  const lines = ['(', `  ${burning(target, tier.shortWindow, threshold)}`, '  and', `  ${burning(target, tier.longWindow, threshold)}`, ')'];
  const minEvents = target.slo.alerting.minEvents;
  if (minEvents > 0 && target.sli.kind !== 'rawRatio') {
    // Low traffic: a handful of failures must not page, so the long window must hold enough events.
    lines.push(`and on(${seriesKeys(target)})`, `  max without (${target.keys.window}) (${METRICS.eventsTotal(formatDuration(tier.longWindow))}${target.selector} >= ${minEvents})`);
  }
  return `${lines.join('\n')}\n`;
}

function baseLabels(target: Target, severity: string, tierName: string, extra: Labels = {}): Labels {
  return { ...target.slo.alerting.labels, [SEVERITY_LABEL]: severity, [TIER_LABEL]: tierName, ...extra };
}

function linkAnnotations(target: Target): Labels {
  const { alerting } = target.slo;
  return {
    ...(alerting.runbookUrl === undefined ? {} : { runbook_url: alerting.runbookUrl }),
    ...(alerting.dashboardUrl === undefined ? {} : { dashboard_url: alerting.dashboardUrl }),
  };
}

function tierAlert(target: Target, tier: AlertTier): AlertingRule {
  const { slo, objective } = target;
  const long = formatDuration(tier.longWindow);
  const short = formatDuration(tier.shortWindow);
  const shown = `${slo.displayName ?? target.name}${groupText(target)}`;
  const sloth = target.options.labelProfile === 'sloth';
  const labels = { ...baseLabels(target, tier.severity, tier.name, sloth ? { [SLOTH_SEVERITY_LABEL]: severityClass(tier) } : {}), ...tier.labels };
  const annotations: Labels = {
    summary: sloth
      ? `{{$labels.${target.keys.service}}} {{$labels.${target.keys.slo}}} SLO error budget burn rate is over expected.`
      : `${shown} (${slo.service}): error budget burning ${number(tier.burnRateThreshold)}x too fast`,
    description:
      `The error ratio of ${target.name}${groupText(target)} is above ${number(tier.burnRateThreshold)}x its budget of ${percent(target.errorBudget)} ` +
      `over both ${long} and ${short} (now {{ $value | humanizePercentage }} over ${short}). At this burn rate ${percent(tier.budgetFraction)} ` +
      `of the ${windowLabel(slo.window)} error budget is spent within ${long}. Objective: ${percent(objective.target)}.`,
    ...(sloth ? { title: `(${severityClass(tier)}) {{$labels.${target.keys.service}}} {{$labels.${target.keys.slo}}} SLO error budget burn rate is too fast.` } : {}),
    ...linkAnnotations(target),
    ...slo.alerting.annotations,
    ...tier.annotations,
  };
  return { alert: slo.alerting.name, expr: tierExpression(target, tier), ...(tier.for > 0 ? { for: formatDuration(tier.for) } : {}), labels, annotations };
}

/**
 * The tier a no-data alert is routed like: the least urgent enabled one (a ticket tier, else a page tier), so it
 * reaches whoever the user routes that severity to (Alertmanager routes on these labels, e.g. `severity: slack`).
 */
function noDataRouting(target: Target): AlertTier | undefined {
  return target.tiers.find((tier) => severityClass(tier) === 'ticket') ?? target.tiers.find((tier) => severityClass(tier) === 'page');
}

/** ` for route={{ $labels.route }}`: a grouped SLO's alert names the group that burns. */
function groupText(target: Target): string {
  if (target.groupBy.length === 0) return '';
  return ` for ${target.groupBy.map((label) => `${label}={{ $labels.${label} }}`).join(', ')}`;
}

/** Fires when the SLI's base-window series is gone (the telemetry stopped or the query matches nothing). */
function absentAlert(target: Target): AlertingRule {
  const { slo } = target;
  const routing = noDataRouting(target);
  const severity = routing?.severity ?? 'ticket';
  const sloth: Labels = target.options.labelProfile === 'sloth' ? { [SLOTH_SEVERITY_LABEL]: routing === undefined ? 'ticket' : severityClass(routing) } : {};
  // Event-based SLIs watch the total count (zero traffic is data, a missing counter is not); raw ratios their ratio.
  const metric = target.sli.kind === 'rawRatio' ? METRICS.sliErrorRatio : METRICS.eventsTotal;
  const series = `${metric(formatDuration(target.baseWindow))}${target.selector}`;
  const noDataFor = formatDuration(slo.alerting.noDataFor);
  return {
    alert: `${slo.alerting.name}NoData`,
    expr: `absent(${series})`,
    for: noDataFor,
    labels: { ...baseLabels(target, severity, NO_DATA_TIER, sloth), ...routing?.labels, [TIER_LABEL]: NO_DATA_TIER },
    annotations: {
      summary: `${slo.displayName ?? target.name} (${slo.service}): no SLI data`,
      description: `No ${formatDuration(target.baseWindow)} events of ${target.name} for ${noDataFor}: its telemetry stopped or its query matches no series, so its error budget is not being measured.`,
      ...linkAnnotations(target),
    },
  };
}

/** The alert stage: one multi-window rule per enabled tier, and the no-data alert unless it is disabled. */
export function alertRules(target: Target): PlacedRule[] {
  const rules: PlacedRule[] = target.tiers.map((tier) => ({ placement: 'alert', rule: tierAlert(target, tier) }));
  if (target.slo.alerting.noDataFor > 0) rules.push({ placement: 'alert', rule: absentAlert(target) });
  return rules;
}
