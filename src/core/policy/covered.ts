import type { BudgetPolicy } from '../model.js';
import type { SloStatus } from '../status.js';
import type { PeriodEvidence } from './evidence.js';
import type { ThawPeriod } from './thaw.js';

/** What the gate knows of an SLO's period: its length, how much of it had data, when a calendar period resets. */
export type SloPeriod = PeriodEvidence & ThawPeriod;

/** An SLO with the policy that governs it (see `policyForSlo`): what a gate judges. */
export interface CoveredSlo {
  readonly status: SloStatus;
  readonly policy: BudgetPolicy;
  /** Its period; without it, the length read from `status.window` and the coverage the status reports. */
  readonly period?: SloPeriod;
  /** When `status` is one group of a grouped SLO judged in its place: the SLO's own (aggregate) entry. */
  readonly aggregate?: SloStatus;
}
