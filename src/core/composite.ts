import type { CompositeMethod } from './model.js';

/** The ways a composite combines its members (see `CompositeMethod`). */
export const COMPOSITE_METHODS: readonly CompositeMethod[] = ['weightedAverage', 'leastHealthy'];

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
