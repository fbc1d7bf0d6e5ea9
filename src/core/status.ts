import type { CompositeStatus } from './composite.js';
import type { BudgetingMethod, GateDecision } from './model.js';

/** Alert states, ordered as Prometheus orders them. `resolved` is `inactive` that was firing (kept for keepFiringFor and notifications). */
export type AlertStateName = 'inactive' | 'pending' | 'firing' | 'resolved';

export interface AlertStatus {
  readonly tier: string;
  readonly severity: string;
  readonly state: AlertStateName;
  readonly longWindow: string;
  readonly shortWindow: string;
  readonly burnRateThreshold: number;
  /** Current burn rates in the two windows; null when a window has no events. */
  readonly longBurnRate: number | null;
  readonly shortBurnRate: number | null;
  /** ISO time the alert became active (pending or firing); absent when inactive. */
  readonly activeSince?: string;
}

/** How far an SLO's period has been filled from its source (remote SLIs, and ingested SLOs naming a backfill source). */
export interface BackfillStatus {
  readonly state: 'running' | 'done' | 'failed';
  /** Share of [from, to) pulled so far, 0 to 1. */
  readonly progress: number;
  /** ISO times of the range being filled. */
  readonly from: string;
  readonly to: string;
  /** Why it failed (the source's error); it is retried while the daemon runs. */
  readonly reason?: string;
}

export type SloHealth = 'ok' | 'warning' | 'critical' | 'exhausted' | 'nodata';

/** What the engine knows of one SLO objective after an evaluation: the CONTRACT.md `SloStatus`. */
export interface SloStatus {
  /** The SLO name; `<slo>:<objective>` when an SLO has several objectives. */
  readonly name: string;
  readonly slo: string;
  readonly objectiveKey: string;
  readonly service: string;
  readonly displayName?: string;
  readonly objective: number;
  readonly window: string;
  readonly budgetingMethod: BudgetingMethod;
  /** Over the whole period; null without events in it (unknown, not healthy). */
  readonly sli: number | null;
  readonly events: { readonly good: number; readonly total: number };
  /** `consumed` and `remaining` are null without events in the period: an empty budget is unknown, not full. */
  readonly errorBudget: { readonly total: number; readonly consumed: number | null; readonly remaining: number | null };
  /**
   * Share of the period (0 to 1) for which the SLO had events, at the buckets' resolution (minutes within the fine
   * buckets, hours beyond): a budget worked out over two hours of a 30-day window says so. Null when sloe cannot tell
   * (an SLI evaluated by a remote source).
   */
  readonly coverage: number | null;
  /** Every burn-rate window of the SLO's period, whatever tiers are enabled; null when the window has no events. */
  readonly burnRates: Readonly<Record<string, number | null>>;
  readonly alerts: readonly AlertStatus[];
  /** Seconds until the budget is exhausted at the current (long-window page tier) burn; null when not burning. */
  readonly timeToExhaustion: number | null;
  readonly status: SloHealth;
  /** Why the status is nodata, or why a remote source failed. */
  readonly reason?: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly evaluatedAt: string;
  /** For SLOs whose history is pulled from a source: how far its backfill has come. */
  readonly backfill?: BackfillStatus;
  /** A group of a grouped SLO (`spec.groupBy`): the values of its labels. Absent on the SLO's own (aggregate) entry. */
  readonly group?: Readonly<Record<string, string>>;
  /** A grouped SLO's own entry: how many groups are tracked, and how many more were seen past `maxGroups`. */
  readonly groupCount?: number;
  readonly groupsOverflow?: number;
  /** A grouped SLO's own entry: its groups with the least budget left, worst first (at most a few). */
  readonly worstGroups?: readonly { readonly group: Readonly<Record<string, string>>; readonly budgetRemaining: number | null; readonly status: SloHealth }[];
  /** Composite SLOs: the method and the members, each with its share of the composite's burn. */
  readonly composite?: CompositeStatus;
}

/** A change of an alert tier's state, as the engine's step() produced it. */
export interface AlertTransition {
  readonly slo: SloStatus;
  readonly tier: string;
  readonly severity: string;
  readonly from: AlertStateName;
  readonly to: AlertStateName;
  readonly at: number;
}

export interface Decision {
  readonly id: string;
  readonly service: string;
  readonly environment: string;
  readonly action: string;
  readonly decision: GateDecision;
  readonly allowed: boolean;
  readonly reasons: readonly string[];
  readonly slos: readonly string[];
  readonly policy: string;
  readonly override?: string;
  readonly release?: Readonly<Record<string, unknown>>;
  readonly evaluatedAt: string;
  readonly decidedAt: string;
}
