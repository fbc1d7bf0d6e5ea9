import { periodBounds } from '../calendar.js';
import { formatDuration } from '../duration.js';
import type { AlertTier, BudgetingMethod, DurationMs, Objective, Window } from '../model.js';
import type { AlertStateName, SloHealth } from '../status.js';
import { nominalPeriod } from '../slo.js';
import { periodWindows } from '../tiers.js';
import type { Counts } from './counts.js';
import { budgetTotal, burnRateAgainst, sliOf } from './counts.js';
import { healthOf, tierClass } from './health.js';
import { sliceLength } from './slices.js';

export interface ObjectiveInput {
  readonly objective: Objective;
  readonly method: BudgetingMethod;
  readonly window: Window;
  readonly now: number;
  /**
   * Counts over the SLO window: the last T for rolling windows, the period so far for calendar windows
   * (see `Counts` for what they count under each budgeting method).
   */
  readonly period: Counts;
  /** Counts over each alert window, keyed by its length; a missing window has no events. */
  readonly windows: ReadonlyMap<DurationMs, Counts>;
  /** The SLO's tiers for its period (`tiersForPeriod` with the SLO's overrides). */
  readonly tiers: readonly AlertTier[];
  /** Minimum total in a tier's long window before it may be active (low-traffic guard); 0 or absent disables. */
  readonly minEvents?: number;
  readonly warningLevel?: number;
  /** Alert states aligned with `tiers`, for the status; absent tiers count as inactive. */
  readonly alertStates?: readonly (AlertStateName | undefined)[];
  /** Why there are no counts (a remote source failed): the status is nodata with this reason. */
  readonly reason?: string;
  /** Share of the period with events (see SloStatus.coverage); null or absent when unknown. */
  readonly coverage?: number | null;
}

export interface TierFigures {
  readonly tier: AlertTier;
  readonly longBurnRate: number | null;
  readonly shortBurnRate: number | null;
  /** Total in the long window, compared with minEvents. */
  readonly longTotal: number;
  /** The multi-window condition: both windows burn faster than the threshold, with enough events; feed it to step(). */
  readonly active: boolean;
}

export interface ObjectiveEvaluation {
  readonly period: { readonly start: number; readonly end: number };
  readonly sli: number | null;
  readonly events: Counts;
  /** consumed and remaining are null without events in the period: unknown, not a full budget. */
  readonly errorBudget: { readonly total: number; readonly consumed: number | null; readonly remaining: number | null };
  readonly coverage: number | null;
  /** Burn rate per window of the period (`periodWindows`), keyed as the window is written (`5m`, `1h`); null when it has no events. */
  readonly burnRates: Readonly<Record<string, number | null>>;
  readonly tiers: readonly TierFigures[];
  /** Seconds until the budget is gone at the current burn; null when not burning or already gone. */
  readonly timeToExhaustion: number | null;
  readonly status: SloHealth;
  readonly reason?: string;
}

/** Every figure CONTRACT.md reports for one objective, from counts the runtime supplies. Pure: `now` is a parameter. */
export function evaluateObjective(input: ObjectiveInput): ObjectiveEvaluation {
  const { objective, period: counts, windows, tiers } = input;
  const period = periodBounds(input.window, input.now);
  const periodLength = calendarAwareLength(input.window, period);
  const hasData = input.reason === undefined && counts.total > 0;
  const events = hasData ? counts : NO_EVENTS;
  const allowed = budgetTotal(objective);
  const consumed = hasData ? budgetConsumed(events, input.method, objective, periodLength) : null;
  const remaining = consumed === null ? null : 1 - consumed;
  const shape = tierShape(tiers, input.window);

  const burnRates: Record<string, number | null> = {};
  for (let index = 0; index < shape.windows.length; index++) {
    burnRates[shape.labels[index]!] = burnRateAgainst(windows.get(shape.windows[index]!), allowed);
  }

  const minEvents = input.minEvents ?? 0;
  // A plain loop and no spread below: this runs for every objective (and group) at every evaluation.
  const tierFigures = new Array<TierFigures>(tiers.length);
  for (let index = 0; index < tiers.length; index++) {
    const tier = tiers[index]!;
    const long = windows.get(tier.longWindow);
    const longBurnRate = burnRateAgainst(long, allowed);
    const shortBurnRate = burnRateAgainst(windows.get(tier.shortWindow), allowed);
    const longTotal = long?.total ?? 0;
    const active =
      !tier.disabled &&
      longBurnRate !== null &&
      shortBurnRate !== null &&
      longBurnRate > tier.burnRateThreshold &&
      shortBurnRate > tier.burnRateThreshold &&
      longTotal >= minEvents;
    tierFigures[index] = { tier, longBurnRate, shortBurnRate, longTotal, active };
  }

  const status = healthOf({ total: events.total, remaining, tiers, states: input.alertStates ?? NO_STATES, warningLevel: input.warningLevel });
  const reason = input.reason ?? (hasData ? undefined : 'no events in the window');
  const evaluation: { -readonly [K in keyof ObjectiveEvaluation]: ObjectiveEvaluation[K] } = {
    period,
    sli: sliOf(events),
    events,
    errorBudget: { total: allowed, consumed, remaining },
    coverage: input.reason === undefined ? (input.coverage ?? null) : null,
    burnRates,
    tiers: tierFigures,
    timeToExhaustion: timeToExhaustion(tierFigures[shape.reference]?.longBurnRate, remaining, periodLength),
    status,
  };
  if (reason !== undefined) evaluation.reason = reason;
  return evaluation;
}

const NO_STATES: readonly (AlertStateName | undefined)[] = [];
const NO_EVENTS: Counts = { good: 0, total: 0 };

/**
 * The fraction of the period's error budget spent.
 * - Occurrences: the bad fraction over the allowed bad fraction, (1 - good/total) / (1 - objective), over the
 *   rolling window or the calendar period so far (so an early-month outage counts at its share of the month's
 *   traffic so far, as Sloth's and Pyrra's period figures do).
 * - Timeslices and RatioTimeslices: the budget is a number of bad slices, (1 - objective) · N, where N is how many
 *   slices the WHOLE period holds; each bad slice (or bad share of a slice) spends 1 / ((1 - objective) · N) of it.
 *   Dividing by the slices seen so far instead would let one bad minute at 00:05 on the 1st spend 200 % of a 99.9 %
 *   month's budget and then "heal" as the month goes on; an SLA counts bad minutes against the month's allowance,
 *   and so does this. It also makes a rolling window that has not yet filled (a new SLO) spend budget per bad slice.
 */
export function budgetConsumed(counts: Counts, method: BudgetingMethod, objective: Objective, periodLength: DurationMs): number {
  const allowed = budgetTotal(objective);
  const bad = counts.total - counts.good;
  if (method === 'Occurrences') return counts.total > 0 ? bad / counts.total / allowed : 0;
  const slicesInPeriod = periodLength / sliceLength(objective);
  return bad / (slicesInPeriod * allowed);
}

/** The period's real length: calendar months and DST weeks are not their nominal 30 or 7 days. */
function calendarAwareLength(window: Window, period: { start: number; end: number }): DurationMs {
  return window.kind === 'rolling' ? window.duration : period.end - period.start;
}

/**
 * At burn rate b the budget drains b times faster than the period allows, i.e. a fraction b/T per unit of time, so
 * what remains lasts remaining · T / b. The burn is the long window of the shortest enabled page tier (1h for 30
 * days): recent enough to reflect the current incident, long enough not to flap; other tiers stand in when no page
 * tier is enabled.
 */
function timeToExhaustion(burn: number | null | undefined, remaining: number | null, periodLength: DurationMs): number | null {
  if (burn === null || burn === undefined || remaining === null || !(burn > 0) || !(remaining > 0)) return null;
  return (remaining * periodLength) / burn / 1000;
}

/** What depends only on an SLO's tiers, worked out once per tiers array rather than per objective per tick. */
interface TierShape {
  /** `periodWindows` of the SLO's period and tiers, and each one's label (`5m`, `1h`). */
  readonly windows: readonly DurationMs[];
  readonly labels: readonly string[];
  /** Index in `tiers` of the tier whose long-window burn times the budget's exhaustion (see timeToExhaustion); -1 when none is enabled. */
  readonly reference: number;
}

const tierShapes = new WeakMap<readonly AlertTier[], TierShape>();

function tierShape(tiers: readonly AlertTier[], window: Window): TierShape {
  // Keyed by the tiers alone: an SLO's tiers array is made for its period, so the period cannot differ between calls.
  let shape = tierShapes.get(tiers);
  if (!shape) {
    const windows = periodWindows(nominalPeriod(window), tiers);
    // The stable sort keeps the tiers' order among equal long windows, as sorting the figures did.
    const enabled = tiers.map((tier, index) => ({ tier, index })).filter((entry) => !entry.tier.disabled).sort((a, b) => a.tier.longWindow - b.tier.longWindow);
    const reference = enabled.find((entry) => tierClass(entry.tier) === 'page') ?? enabled[0];
    shape = { windows, labels: windowLabels(windows), reference: reference?.index ?? -1 };
    tierShapes.set(tiers, shape);
  }
  return shape;
}

/** The windows' labels, made once per window table: `periodWindows` shares one table among SLOs of the same tiers. */
function windowLabels(windows: readonly DurationMs[]): readonly string[] {
  let labels = labelsByWindows.get(windows);
  if (!labels) {
    labels = windows.map(formatDuration);
    labelsByWindows.set(windows, labels);
  }
  return labels;
}

const labelsByWindows = new WeakMap<readonly DurationMs[], readonly string[]>();
