import { burnRateThreshold, MINUTE, nominalPeriod, tiersForPeriod } from '../core/index.js';
import type { AlertTier, Alerting, DurationMs, Labels, Window } from '../core/index.js';
import { DEFAULT_NO_DATA_FOR_MS } from './limits.js';

export type SeverityClass = 'page' | 'ticket';
export const SEVERITY_CLASSES: readonly SeverityClass[] = ['page', 'ticket'];

/** What one severity class (all its tiers) may override: Sloth's pageAlert/ticketAlert, sloe's alerting.page/ticket. */
export interface SeverityOverride {
  readonly disable?: boolean;
  readonly severity?: string;
  readonly labels?: Labels;
  readonly annotations?: Labels;
}

export interface TierOverride {
  readonly disable?: boolean;
  readonly for?: DurationMs;
  readonly severity?: string;
}

/** Alerting as a spec states it; everything optional except the SLO name the defaults are made from. */
export interface AlertingSpec {
  readonly name?: string;
  readonly labels?: Labels;
  readonly annotations?: Labels;
  readonly runbookUrl?: string;
  readonly dashboardUrl?: string;
  readonly minEvents?: number;
  readonly keepFiringFor?: DurationMs;
  readonly noDataFor?: DurationMs;
  readonly severities?: Partial<Record<SeverityClass, SeverityOverride>>;
  readonly tiers?: Readonly<Record<string, TierOverride>>;
  /** Tiers stated outright (sloe/v1's `alerting.tiers` list, OpenSLO burn-rate conditions, Pyrra's table); replace the table when present. */
  readonly explicitTiers?: readonly AlertTier[];
  readonly notificationTargets?: Alerting['notificationTargets'];
}

/** `checkout-availability` → `CheckoutAvailability`: the default alert name. */
export function camelCaseName(name: string): string {
  const words = name.split(/[^A-Za-z0-9]+/).filter((word) => word !== '');
  const joined = words.map((word) => word.charAt(0).toUpperCase() + word.slice(1)).join('');
  return /^[A-Za-z_]/.test(joined) ? joined : `Slo${joined}`;
}

/** The class of a tier from the default table (`page-fast` → page); custom tiers carry it in their severity. */
export function severityClass(tier: AlertTier): SeverityClass | undefined {
  const prefix = tier.name.split('-')[0];
  return prefix === 'page' || prefix === 'ticket' ? prefix : undefined;
}

/**
 * The tiers an SLO alerts with: the period's table (custom tables by period first, else the default table scaled to
 * the period), with the spec's per-class and per-tier overrides applied.
 */
export function resolveAlerting(
  sloName: string,
  window: Window,
  spec: AlertingSpec,
  customTables: ReadonlyMap<DurationMs, readonly AlertTier[]> = new Map(),
): Alerting {
  const period = nominalPeriod(window);
  const base = spec.explicitTiers ?? customTables.get(period) ?? tiersForPeriod(period);
  const tiers = base.map((tier): AlertTier => {
    const cls = severityClass(tier);
    const classOverride = cls === undefined ? undefined : spec.severities?.[cls];
    const tierOverride = spec.tiers?.[tier.name];
    const labels = { ...tier.labels, ...classOverride?.labels };
    const annotations = { ...tier.annotations, ...classOverride?.annotations };
    return {
      ...tier,
      severity: tierOverride?.severity ?? classOverride?.severity ?? tier.severity,
      for: tierOverride?.for ?? tier.for,
      disabled: tier.disabled || classOverride?.disable === true || tierOverride?.disable === true,
      ...(Object.keys(labels).length === 0 ? {} : { labels }),
      ...(Object.keys(annotations).length === 0 ? {} : { annotations }),
    };
  });
  return {
    name: spec.name ?? camelCaseName(sloName),
    labels: spec.labels ?? {},
    annotations: spec.annotations ?? {},
    ...(spec.runbookUrl === undefined ? {} : { runbookUrl: spec.runbookUrl }),
    ...(spec.dashboardUrl === undefined ? {} : { dashboardUrl: spec.dashboardUrl }),
    tiers,
    minEvents: spec.minEvents ?? 0,
    keepFiringFor: spec.keepFiringFor ?? 0,
    noDataFor: spec.noDataFor ?? DEFAULT_NO_DATA_FOR_MS,
    ...(spec.notificationTargets === undefined || spec.notificationTargets.length === 0 ? {} : { notificationTargets: spec.notificationTargets }),
  };
}

/** One burn-rate alert as formats state it outright: a threshold over a single window (OpenSLO, slo-generator). */
export interface BurnRateCondition {
  readonly name: string;
  readonly severity: string;
  /** The burn rate at or above which it alerts. */
  readonly threshold: number;
  readonly window: DurationMs;
  readonly for: DurationMs;
  readonly disabled?: boolean;
  readonly annotations?: Labels;
}

/**
 * A tier as a spec states it outright (sloe/v1 `alerting.tiers` as a list, OpenSLO and slo-generator burn-rate
 * conditions): the long window and one of the budget share f or the burn rate B, the other following from B = f·T/w.
 */
export interface StatedTier {
  readonly name: string;
  readonly severity: string;
  readonly longWindow: DurationMs;
  /** Default: a twelfth of the long window (at least a minute), as in the default table. */
  readonly shortWindow?: DurationMs;
  readonly rate: { readonly budgetFraction: number } | { readonly burnRateThreshold: number };
  readonly for: DurationMs;
  readonly disabled?: boolean;
  readonly labels?: Labels;
  readonly annotations?: Labels;
}

/** The short window the default table pairs with a long window: a twelfth, rounded to the minute, at least a minute. */
export function defaultShortWindow(longWindow: DurationMs): DurationMs {
  return Math.max(MINUTE, Math.round(longWindow / 12 / MINUTE) * MINUTE);
}

/**
 * The model's tier for a stated one in an SLO of period T. A stated f is kept and B = f·T/w (3 decimals, as the
 * table); a stated B is kept (3 decimals) and f = B·w/T (6 decimals). Writers state whichever reads back unchanged.
 */
export function statedTier(stated: StatedTier, period: DurationMs): AlertTier {
  const { longWindow } = stated;
  const budgetFraction = 'budgetFraction' in stated.rate ? stated.rate.budgetFraction : Math.round(((stated.rate.burnRateThreshold * longWindow) / period) * 1e6) / 1e6;
  const threshold = 'budgetFraction' in stated.rate
    ? burnRateThreshold(stated.rate.budgetFraction, period, longWindow)
    : burnRateThreshold((stated.rate.burnRateThreshold * longWindow) / period, period, longWindow);
  return {
    name: stated.name,
    severity: stated.severity,
    budgetFraction,
    longWindow,
    shortWindow: stated.shortWindow ?? defaultShortWindow(longWindow),
    burnRateThreshold: threshold,
    for: stated.for,
    disabled: stated.disabled ?? false,
    ...(stated.labels === undefined || Object.keys(stated.labels).length === 0 ? {} : { labels: stated.labels }),
    ...(stated.annotations === undefined || Object.keys(stated.annotations).length === 0 ? {} : { annotations: stated.annotations }),
  };
}

/**
 * Single-window burn-rate conditions as tiers. The stated window is the long window; the short window is a twelfth of
 * it (at least a minute), as in the default table, so an alert resolves soon after the burn stops. A condition named
 * twice is kept once (the first).
 */
export function burnRateTiers(conditions: readonly BurnRateCondition[], window: Window): AlertTier[] {
  const period = nominalPeriod(window);
  const seen = new Set<string>();
  return conditions
    .filter((condition) => (seen.has(condition.name) ? false : (seen.add(condition.name), true)))
    .map((condition) => statedTier({
      name: condition.name,
      severity: condition.severity,
      longWindow: condition.window,
      rate: { burnRateThreshold: condition.threshold },
      for: condition.for,
      ...(condition.disabled === undefined ? {} : { disabled: condition.disabled }),
      ...(condition.annotations === undefined ? {} : { annotations: condition.annotations }),
    }, period));
}
