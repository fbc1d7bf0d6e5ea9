import type { AlertStatus, SloStatus } from '../core/index.js';
import { objectiveIdentity } from '../core/index.js';
import type { IncidentKind } from './types.js';

/** A tier the engine may report for the no-data condition; when present it decides no-data instead of sloe's own timer. */
export const NODATA_TIER = 'nodata';

/** Severity of no-data incidents when the SLO has no tiers to borrow one from. */
export const DEFAULT_NODATA_SEVERITY = 'ticket';

/** The two kinds of urgency sloe keeps apart, whatever the SLO names its severities. */
export type Urgency = 'page' | 'ticket';

/**
 * A severity's urgency: `page` and `ticket` are themselves; a renamed one (`critical`, `warning`...) takes the
 * family of its tiers (`page-fast` → page), and failing that the most urgent severity pages and the rest ticket.
 */
export function urgencyOf(severity: string, alerts: readonly AlertStatus[], rank: number): Urgency {
  if (severity === 'page' || severity === 'ticket') return severity;
  const tier = alerts.find((alert) => alert.severity === severity)?.tier ?? '';
  if (tier.startsWith('page')) return 'page';
  if (tier.startsWith('ticket')) return 'ticket';
  return rank === 0 ? 'page' : 'ticket';
}

/** Whether one incident of one objective should be firing now, and why. */
export interface IncidentCondition {
  readonly incident: string;
  readonly severity: string;
  readonly urgency: Urgency;
  readonly kind: IncidentKind;
  /** Lower is more urgent: pages before tickets, then the order tiers are listed in; no-data ranks after every burn severity. */
  readonly rank: number;
  readonly firing: boolean;
  /**
   * Some tier of this severity is pending: an incident already notified is held open through it, so a burn that
   * passes from the fast tier to the slow one (fast resolves, slow still waiting out its `for`) pages once.
   */
  readonly pending: boolean;
  /** The most urgent firing tier of this severity (tiers are listed fastest first). */
  readonly tier?: AlertStatus;
  /** Unix ms the earliest firing tier of this severity became active, when the engine said. */
  readonly activeSince?: number;
}

export function incidentKey(objective: string, severity: string, kind: IncidentKind): string {
  return kind === 'nodata' ? `${objective}/nodata` : `${objective}/${severity}`;
}

/** Severities in the order their tiers are listed (page tiers before ticket tiers), most urgent first. */
export function severityOrder(alerts: readonly AlertStatus[]): string[] {
  const order: string[] = [];
  for (const alert of alerts) if (alert.tier !== NODATA_TIER && !order.includes(alert.severity)) order.push(alert.severity);
  return order;
}

function sinceOf(alerts: readonly AlertStatus[]): number | undefined {
  const times = alerts.map((alert) => (alert.activeSince === undefined ? Number.NaN : Date.parse(alert.activeSince))).filter((time) => !Number.isNaN(time));
  return times.length === 0 ? undefined : Math.min(...times);
}

/**
 * The incidents of one objective: one per severity (firing while any of its tiers fires) and one for no-data.
 * `noDataFiring` is sloe's own no-data verdict, used when the engine reports no `nodata` tier.
 */
export function incidentConditions(status: SloStatus, noDataFiring: boolean): IncidentCondition[] {
  // A group's incidents are its own: `orders{route="/v1/orders"}/page`, apart from the aggregate's `orders/page`.
  const objective = objectiveIdentity(status);
  const severities = severityOrder(status.alerts);
  const conditions: IncidentCondition[] = severities.map((severity, order) => {
    const urgency = urgencyOf(severity, status.alerts, order);
    // Pages outrank tickets whatever order the tiers are listed in; within an urgency, the listed order decides.
    const rank = (urgency === 'page' ? 0 : severities.length) + order;
    const firing = status.alerts.filter((alert) => alert.severity === severity && alert.tier !== NODATA_TIER && alert.state === 'firing');
    const since = sinceOf(firing);
    const pending = status.alerts.some((alert) => alert.severity === severity && alert.tier !== NODATA_TIER && alert.state === 'pending');
    return {
      incident: incidentKey(objective, severity, 'burn'),
      severity,
      urgency,
      kind: 'burn',
      rank,
      firing: firing.length > 0,
      pending,
      ...(firing[0] === undefined ? {} : { tier: firing[0] }),
      ...(since === undefined ? {} : { activeSince: since }),
    };
  });
  const engineNoData = status.alerts.find((alert) => alert.tier === NODATA_TIER);
  const noDataSeverity = engineNoData?.severity ?? severities[severities.length - 1] ?? DEFAULT_NODATA_SEVERITY;
  const noDataSince = engineNoData?.activeSince === undefined ? undefined : Date.parse(engineNoData.activeSince);
  conditions.push({
    incident: incidentKey(objective, noDataSeverity, 'nodata'),
    severity: noDataSeverity,
    urgency: noDataSeverity === DEFAULT_NODATA_SEVERITY ? 'ticket' : urgencyOf(noDataSeverity, status.alerts, Math.max(0, severities.indexOf(noDataSeverity))),
    kind: 'nodata',
    rank: 2 * severities.length,
    firing: engineNoData ? engineNoData.state === 'firing' : noDataFiring,
    pending: engineNoData?.state === 'pending',
    ...(noDataSince === undefined || Number.isNaN(noDataSince) ? {} : { activeSince: noDataSince }),
  });
  return conditions;
}

/**
 * Burn incidents held back by a more urgent one of the same objective: while a page fires, its ticket does not
 * notify (one incident pages once, not once per tier). An incident already notified is not held back; it runs its
 * course and resolves when its own tiers clear.
 */
export function heldBack(conditions: readonly IncidentCondition[]): Set<string> {
  const held = new Set<string>();
  const burning = conditions.filter((condition) => condition.kind === 'burn' && condition.firing);
  const mostUrgent = Math.min(...burning.map((condition) => condition.rank));
  for (const condition of burning) if (condition.rank > mostUrgent) held.add(condition.incident);
  return held;
}
