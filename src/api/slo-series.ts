import type { LabelProfile, SloStatus, StatusReader } from '../core/index.js';
import { INFO_LABELS, LABELS, MEMBER_LABEL, METRICS, SEVERITY_LABEL, TIER_LABEL } from '../core/index.js';

/** One sample of an `slo:*` series, as /metrics exposes it and /api/v1/query answers it. */
export interface SloSample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

/** Window keys of statuses are durations (`5m`) or, for the period, the window label; metric names allow neither `-`. */
function metricWindow(window: string): string {
  return window.replace(/[^a-zA-Z0-9_]/g, '_');
}

/**
 * Every `slo:*` sample of the latest evaluation, labelled as the generated rules label them (`slo_id`, `slo_service`,
 * `slo_name`, plus the SLO's own labels), so a dashboard reads sloe's figures and the rules' the same way. A group of
 * a grouped SLO also carries its group's labels (`route="/v1/orders"`), as the rules' `sum by (LABELS)` series do.
 * Figures that are unknown (no events) are left out, as Prometheus leaves out a series without samples.
 */
export function sloSamples(statuses: readonly SloStatus[], profile: LabelProfile = 'default'): SloSample[] {
  const keys = LABELS[profile];
  const out: SloSample[] = [];
  for (const status of statuses) {
    const identity = { ...status.labels, ...status.group, [keys.id]: `${status.service}-${status.name}`, [keys.service]: status.service, [keys.slo]: status.name };
    const push = (name: string, value: number | null, extra: Record<string, string> = {}): void => {
      if (value === null || !Number.isFinite(value)) return;
      out.push({ name, labels: { ...identity, ...extra }, value });
    };
    push(METRICS.objective, status.objective);
    push(METRICS.errorBudget, status.errorBudget.total);
    const infoKeys = INFO_LABELS.default;
    if (profile === 'default') push(METRICS.info, 1, { [infoKeys.objective]: String(status.objective), [infoKeys.period]: status.window, [infoKeys.budgetingMethod]: status.budgetingMethod });
    const windows = Object.keys(status.burnRates);
    for (const window of windows) {
      const burn = status.burnRates[window] ?? null;
      push(METRICS.burnRate, burn, { [keys.window]: window });
      push(METRICS.sliErrorRatio(window), burn === null ? null : burn * status.errorBudget.total, { [keys.window]: window });
    }
    const shortest = windows[0];
    if (shortest !== undefined) push(METRICS.currentBurnRate, status.burnRates[shortest] ?? null);
    if (status.sli !== null) {
      push(METRICS.periodSli, status.sli);
      push(METRICS.periodBurnRate, status.errorBudget.consumed);
      push(METRICS.periodErrorBudgetRemaining, status.errorBudget.remaining);
    }
    push(METRICS.coverage, status.coverage);
    push(METRICS.eventsGood(metricWindow(status.window)), status.events.good, { [keys.window]: status.window });
    push(METRICS.eventsTotal(metricWindow(status.window)), status.events.total, { [keys.window]: status.window });
    for (const alert of status.alerts) push(METRICS.alertFiring, alert.state === 'firing' ? 1 : 0, { [SEVERITY_LABEL]: alert.severity, [TIER_LABEL]: alert.tier });
    if (status.groupCount !== undefined) {
      push(METRICS.groups, status.groupCount);
      push(METRICS.groupsOverflow, status.groupsOverflow ?? 0);
    }
    // A share is unknown (left out) while nothing in the composite's period burned.
    for (const member of status.composite?.members ?? []) push(METRICS.compositeBurnShare, member.share, { [MEMBER_LABEL]: member.name });
  }
  return out;
}

/**
 * Every status the latest evaluation holds: each SLO's own entry and, for a grouped SLO, each of its groups. Groups
 * are at most `maxGroups` per SLO (past it they are only counted), so the series this yields stay bounded.
 */
export function everyStatus(statuses: StatusReader): SloStatus[] {
  const latest = statuses.latest();
  const out = [...latest];
  for (const status of latest) if (status.groupCount !== undefined) out.push(...(statuses.groups?.(status.name) ?? []));
  return out;
}
