/**
 * Composite SLOs in the engine: their figures are worked out from their members' buckets over the composite's own
 * period and burn-rate windows, then evaluated like any objective (budget, burn rates, alert states). No state of
 * their own is stored but their alert states: everything else is derived from the members' buckets each tick.
 */
import type { AlertState, AlertTier, AlertTransition, CompositeMemberStatus, CompositeMethod, CompositeSlo, DurationMs, Objective, SloStatus } from '../core/index.js';
import { alertTransitions, buildStatus, evaluateObjective, INACTIVE, NO_COUNTS, nominalPeriod, objectiveName, periodWindows, sameSavedState, step } from '../core/index.js';
import type { ObjectiveFigures } from './core-math.js';
import { periodRange } from './core-math.js';
import type { Counts } from './counts.js';
import type { ObjectivePlan } from './plan.js';

export interface CompositeMemberPlan {
  /** The member's status name. */
  readonly name: string;
  readonly weight: number;
  /** The member objective's target: leastHealthy compares budgets against it. */
  readonly target: number;
  readonly composite: boolean;
}

export interface CompositePlan {
  readonly name: string;
  readonly slo: CompositeSlo;
  readonly objective: Objective;
  readonly method: CompositeMethod;
  readonly members: readonly CompositeMemberPlan[];
  readonly tiers: readonly AlertTier[];
  /** Burn-rate windows of the composite's period, shortest first. */
  readonly windows: readonly DurationMs[];
}

/** A member's figures over a composite's windows and period (the engine reads them from the member's buckets). */
export type MemberFigures = (name: string, windows: readonly DurationMs[], period: { readonly start: number; readonly end: number }, now: number) => ObjectiveFigures;

/** Plans the composites (given members first); members are the plain objectives' and the composites' status names. */
export function planComposites(composites: readonly CompositeSlo[], leaves: readonly ObjectivePlan[]): CompositePlan[] {
  // The index of every leaf below is only for composites to look members up in: at 100k SLOs and no composite it was
  // two maps of 100,000 entries built and dropped at every start (issue 21).
  if (composites.length === 0) return [];
  const targets = new Map<string, { target: number; composite: boolean }>();
  const bySlo = new Map<string, { name: string; key: string }[]>();
  const add = (slo: string, key: string, name: string, target: number, composite: boolean): void => {
    targets.set(name, { target, composite });
    const list = bySlo.get(slo) ?? [];
    list.push({ name, key });
    bySlo.set(slo, list);
  };
  for (const leaf of leaves) add(leaf.slo.name, leaf.objective.key, leaf.name, leaf.objective.target, false);
  for (const slo of composites) for (const objective of slo.objectives) add(slo.name, objective.key, objectiveName(slo, objective), objective.target, true);
  const plans: CompositePlan[] = [];
  for (const slo of composites) {
    const members: CompositeMemberPlan[] = [];
    for (const member of slo.composite.members) {
      const objectives = bySlo.get(member.slo) ?? [];
      const chosen = member.objective === undefined ? objectives[0] : objectives.find((objective) => objective.key === member.objective);
      const target = chosen ? targets.get(chosen.name) : undefined;
      // Validation refuses unknown members; should one slip through, it counts as a member without data.
      members.push({ name: chosen?.name ?? member.slo, weight: member.weight, target: target?.target ?? 0.99, composite: target?.composite ?? false });
    }
    const windows = periodWindows(nominalPeriod(slo.window), slo.alerting.tiers);
    const tiers = slo.alerting.tiers.filter((tier) => !tier.disabled);
    for (const objective of slo.objectives) plans.push({ name: objectiveName(slo, objective), slo, objective, method: slo.composite.method, members, tiers, windows });
  }
  return plans;
}

/** One member's figures as the combination reads them. */
export interface MemberInput {
  readonly figures: ObjectiveFigures;
  readonly target: number;
  readonly weight: number;
}

export interface Combined {
  readonly figures: ObjectiveFigures;
  /** Per member, its share of the composite's bad events over the period; null when none were bad. */
  readonly shares: readonly (number | null)[];
  /** leastHealthy: the index of the deciding member; -1 when no member has data. */
  readonly deciding: number;
}

function badOf(counts: Counts): number {
  return counts.total - counts.good;
}

/**
 * The composite's figures from its members' (pure; the formulas of README "Composite SLOs"):
 * - weightedAverage: good = sum of weight x good, total = sum of weight x total, in the period and each window;
 * - leastHealthy: the member with the most budget consumed over the period (bad / total / (1 - its objective))
 *   decides; its events are rescaled so its budget consumption and burn rates hold against the composite's objective:
 *   bad' = bad x (1 - composite objective) / (1 - member objective), total' = total.
 * Members without data are left out; with none left the composite has no data.
 */
export function combineMembers(method: CompositeMethod, target: number, members: readonly MemberInput[], windows: readonly DurationMs[]): Combined {
  const usable = members.map((member) => member.figures.reason === undefined && (member.figures.period?.total ?? 0) > 0);
  if (!usable.includes(true)) {
    const reasons = [...new Set(members.map((member) => member.figures.reason).filter((reason) => reason !== undefined))];
    return { figures: { reason: reasons.length > 0 ? `no member has data (${reasons.join('; ')})` : 'no member has events in the period' }, shares: members.map(() => null), deciding: -1 };
  }
  const coverages = members.flatMap((member, index) => (usable[index] && member.figures.coverage !== undefined ? [member.figures.coverage] : []));
  const coverage = coverages.length > 0 ? { coverage: Math.max(...coverages) } : {};
  if (method === 'weightedAverage') {
    const sum = (read: (member: MemberInput) => Counts | undefined): Counts => {
      let good = 0;
      let total = 0;
      members.forEach((member, index) => {
        const counts = read(member);
        if (!usable[index] || !counts) return;
        good += member.weight * counts.good;
        total += member.weight * counts.total;
      });
      return { good, total };
    };
    const period = sum((member) => member.figures.period);
    const windowCounts = new Map(windows.map((window) => [window, sum((member) => member.figures.windows?.get(window))]));
    const bad = badOf(period);
    const shares = members.map((member, index) => (usable[index] && bad > 0 ? (member.weight * badOf(member.figures.period ?? NO_COUNTS)) / bad : null));
    return { figures: { period, windows: windowCounts, ...coverage }, shares, deciding: -1 };
  }
  let deciding = -1;
  let most = Number.NEGATIVE_INFINITY;
  members.forEach((member, index) => {
    const period = member.figures.period;
    if (!usable[index] || !period) return;
    const consumed = badOf(period) / period.total / (1 - member.target);
    if (consumed > most) {
      most = consumed;
      deciding = index;
    }
  });
  const chosen = members[deciding]!;
  const scale = (1 - target) / (1 - chosen.target);
  const rescale = (counts: Counts | undefined): Counts => (counts ? { good: counts.total - badOf(counts) * scale, total: counts.total } : NO_COUNTS);
  const period = rescale(chosen.figures.period);
  const windowCounts = new Map(windows.map((window) => [window, rescale(chosen.figures.windows?.get(window))]));
  const shares = members.map((_, index) => (badOf(period) > 0 ? (index === deciding ? 1 : 0) : null));
  return { figures: { period, windows: windowCounts, ...coverage }, shares, deciding };
}

/**
 * A composite's (or nested composite's) combined figures over the given windows and period, its plain members' read
 * through `leaf`. `cache` holds what was combined for one set of windows and one period: a nested composite read by
 * several parents is combined once.
 */
export function combinePlan(
  plan: CompositePlan,
  plans: ReadonlyMap<string, CompositePlan>,
  windows: readonly DurationMs[],
  range: { readonly start: number; readonly end: number },
  leaf: (name: string) => ObjectiveFigures,
  cache: Map<string, Combined> = new Map(),
): Combined {
  const key = `${plan.name}|${range.start}|${windows.join(',')}`;
  const cached = cache.get(key);
  if (cached) return cached;
  const members = plan.members.map((member): MemberInput => {
    const nested = plans.get(member.name);
    const memberFigures = nested ? combinePlan(nested, plans, windows, range, leaf, cache).figures : leaf(member.name);
    return { figures: memberFigures, target: member.target, weight: member.weight };
  });
  const combined = combineMembers(plan.method, plan.objective.target, members, windows);
  cache.set(key, combined);
  return combined;
}

/** A composite's evaluation from its combined figures: it counts occurrences (weighted events), whatever its members count. */
export function compositeEvaluation(plan: CompositePlan, figures: ObjectiveFigures, now: number) {
  return evaluateObjective({
    objective: plan.objective,
    method: 'Occurrences',
    window: plan.slo.window,
    now,
    period: figures.period ?? NO_COUNTS,
    windows: figures.windows ?? new Map(),
    tiers: plan.tiers,
    minEvents: plan.slo.alerting.minEvents,
    coverage: figures.coverage ?? null,
    ...(figures.reason === undefined ? {} : { reason: figures.reason }),
  });
}

const ALERT_MARK = 'alert/';

interface CompositeState {
  readonly plan: CompositePlan;
  readonly alertKeys: readonly string[];
  alertStates: readonly (AlertState | undefined)[];
}

export interface CompositeEvaluation {
  readonly statuses: SloStatus[];
  readonly transitions: AlertTransition[];
  /** Alert states that changed, keyed as the engine stores them. */
  readonly changed: { key: string; value: unknown }[];
}

/** The composites of a spec set and their alert states: evaluated after the plain objectives, every tick. */
export class Composites {
  private readonly states: CompositeState[];
  private readonly byName: Map<string, CompositePlan>;

  constructor(plans: readonly CompositePlan[], saved: ReadonlyMap<string, AlertState>) {
    this.states = plans.map((plan) => {
      const alertKeys = plan.tiers.map((tier) => `${plan.name}/${tier.name}`);
      return { plan, alertKeys, alertStates: alertKeys.map((key) => saved.get(key)) };
    });
    this.byName = new Map(plans.map((plan) => [plan.name, plan]));
  }

  get size(): number {
    return this.states.length;
  }

  has(name: string): boolean {
    return this.byName.has(name);
  }

  /** The composite with this status name, and every composite plan by name (to read its nested members). */
  plan(name: string): { plan: CompositePlan; plans: ReadonlyMap<string, CompositePlan> } | undefined {
    const plan = this.byName.get(name);
    return plan ? { plan, plans: this.byName } : undefined;
  }

  /** Statuses before the first evaluation. */
  initial(now: number, leaves: ReadonlyMap<string, SloStatus>): SloStatus[] {
    const known = new Map(leaves);
    return this.states.map(({ plan, alertStates }) => {
      const status = this.statusOf(plan, { reason: 'not evaluated yet' }, alertStates, now, known, undefined);
      known.set(status.name, status);
      return status;
    });
  }

  /**
   * Evaluates every composite at `now`. `leaves` holds this tick's statuses of the plain objectives (for the member
   * tree); `figures` reads a plain member's events over a composite's windows.
   */
  evaluate(now: number, figures: MemberFigures, leaves: ReadonlyMap<string, SloStatus>): CompositeEvaluation {
    const known = new Map(leaves);
    const statuses: SloStatus[] = [];
    const transitions: AlertTransition[] = [];
    const changed: { key: string; value: unknown }[] = [];
    // Per tick: a nested composite read over the same windows and period by several parents is combined once.
    const cache = new Map<string, Combined>();
    for (const state of this.states) {
      const { plan } = state;
      const range = periodRange(plan.slo.window, now);
      const combined = combinePlan(plan, this.byName, plan.windows, range, (name) => figures(name, plan.windows, range, now), cache);
      const evaluation = compositeEvaluation(plan, combined.figures, now);
      const next = evaluation.tiers.map((tier, index) => step(state.alertStates[index] ?? INACTIVE, tier.active, now, { for: tier.tier.for, keepFiringFor: plan.slo.alerting.keepFiringFor }));
      const status = this.statusOf(plan, combined.figures, next, now, known, combined);
      for (const transition of alertTransitions(status, state.alertStates, next, now)) transitions.push(transition);
      next.forEach((alert, index) => {
        if (!sameSavedState(state.alertStates[index], alert)) changed.push({ key: `${ALERT_MARK}${state.alertKeys[index]!}`, value: alert });
      });
      state.alertStates = next;
      known.set(status.name, status);
      statuses.push(status);
    }
    return { statuses, transitions, changed };
  }

  private statusOf(plan: CompositePlan, figures: ObjectiveFigures, alerts: readonly (AlertState | undefined)[], now: number, known: ReadonlyMap<string, SloStatus>, combined: Combined | undefined): SloStatus {
    const status = buildStatus({ slo: plan.slo, objective: plan.objective, evaluation: compositeEvaluation(plan, figures, now), alerts, now });
    const members = plan.members.map((member, index): CompositeMemberStatus => {
      const own = known.get(member.name);
      return {
        name: member.name,
        weight: member.weight,
        composite: member.composite,
        objective: own?.objective ?? member.target,
        sli: own?.sli ?? null,
        budgetRemaining: own?.errorBudget.remaining ?? null,
        status: own?.status ?? 'nodata',
        share: combined?.shares[index] ?? null,
        ...(plan.method === 'leastHealthy' && combined ? { deciding: combined.deciding === index } : {}),
      };
    });
    return { ...status, composite: { method: plan.method, members } };
  }
}

