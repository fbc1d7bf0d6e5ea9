import type { Slo } from './model.js';

/**
 * Composite SLOs (`spec.composite` in sloe/v1): an SLO whose events are its members' rather than an SLI's.
 * - `weightedAverage`: good and total events are the members' summed, each member's multiplied by its weight.
 * - `leastHealthy`: the member with the least budget remaining (against its own objective) decides; its budget
 *   consumption and burn rates become the composite's (its bad events rescaled to the composite's objective).
 */
export type CompositeMethod = 'weightedAverage' | 'leastHealthy';

export const COMPOSITE_METHODS: readonly CompositeMethod[] = ['weightedAverage', 'leastHealthy'];

export interface CompositeMember {
  /** The member SLO's name (an SLO or another composite). */
  readonly slo: string;
  /** The member's objective key; needed only when the member has several objectives. */
  readonly objective?: string;
  /** Positive; default 1. Only weightedAverage reads it. */
  readonly weight: number;
}

export interface Composite {
  readonly method: CompositeMethod;
  readonly members: readonly CompositeMember[];
}

/** A composite SLO: everything an SLO has but its SLI (and what only an SLI has: backfill and groups). */
export interface CompositeSlo extends Omit<Slo, 'sli' | 'backfill' | 'groupBy'> {
  readonly composite: Composite;
}

/** What a status needs of an SLO, plain or composite. */
export type SloHeader = Pick<Slo, 'name' | 'service' | 'displayName' | 'labels' | 'objectives' | 'window' | 'budgetingMethod'>;

/** One member as a composite's status lists it. */
export interface CompositeMemberStatus {
  /** The member's status name (`slo` or `slo:objective`). */
  readonly name: string;
  readonly weight: number;
  /** Whether the member is itself composite (the UI draws its own members under it). */
  readonly composite: boolean;
  /** The member's own figures, from its own status (its own window). */
  readonly objective: number;
  readonly sli: number | null;
  readonly budgetRemaining: number | null;
  readonly status: string;
  /**
   * The member's share of the composite's burn over the composite's period, 0 to 1: weightedAverage, its weighted bad
   * events over all members'; leastHealthy, 1 for the deciding member and 0 for the others. Null when nothing burned.
   */
  readonly share: number | null;
  /** leastHealthy: the member that decides. */
  readonly deciding?: boolean;
}

export interface CompositeStatus {
  readonly method: CompositeMethod;
  readonly members: readonly CompositeMemberStatus[];
}
