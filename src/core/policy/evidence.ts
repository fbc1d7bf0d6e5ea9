import { HOUR, formatDuration } from '../duration.js';
import type { BudgetPolicy, EvidenceRule, GateDecision } from '../model.js';
import type { SloStatus } from '../status.js';

/**
 * A budget-based deny needs the period's error budget to amount to at least 10 bad events, so that one failed
 * request is at most a tenth of it (at 99.9 % that is 10,000 events), and data for a tenth of the period or an hour,
 * whichever is less, so that a budget is not judged on its first minutes.
 */
export const DEFAULT_EVIDENCE: EvidenceRule = { minBudgetEvents: 10, minCoverage: 0.1, minCoverageDuration: HOUR };
export const DEFAULT_ON_INSUFFICIENT_DATA: GateDecision = 'warn';

/** What the gate knows of an SLO's period besides its status: its length and how much of it had data. */
export interface PeriodEvidence {
  /** The period's length, ms (a calendar period's nominal length). */
  readonly periodMs: number;
  /** Share of the period with data, 0..1; null when unknown (then the coverage floor is not met). */
  readonly coverage: number | null;
}

export interface Evidence {
  readonly sufficient: boolean;
  /** The period's error budget in events: total x (1 - objective). */
  readonly budgetEvents: number;
  /** Events the period needs for a budget of `minBudgetEvents`. */
  readonly neededEvents: number;
  readonly coveredMs: number | null;
  /** Data the coverage floor asks for, ms. */
  readonly neededMs: number;
  /** What is missing, in words; empty when sufficient. */
  readonly missing: readonly string[];
}

export function evidenceRule(policy: BudgetPolicy): EvidenceRule {
  return policy.evidence ?? DEFAULT_EVIDENCE;
}

export function onInsufficientData(policy: BudgetPolicy): GateDecision {
  return policy.onInsufficientData ?? DEFAULT_ON_INSUFFICIENT_DATA;
}


function count(value: number): string {
  if (value >= 100) return Math.round(value).toLocaleString('en-US');
  return String(Number(value.toPrecision(2)));
}

function span(ms: number): string {
  return ms < 60_000 ? `${Math.round(ms / 1000)}s` : formatDuration(Math.round(ms / 60_000) * 60_000);
}

/** Whether an SLO's period holds enough events, and enough time with data, for a budget-based deny. */
export function assessEvidence(status: SloStatus, rule: EvidenceRule, period: PeriodEvidence): Evidence {
  const allowedBad = 1 - status.objective;
  const total = status.events.total;
  const budgetEvents = total * allowedBad;
  const neededEvents = allowedBad > 0 ? Math.ceil(rule.minBudgetEvents / allowedBad - 1e-9) : Number.POSITIVE_INFINITY;
  const neededMs = Math.min(rule.minCoverage * period.periodMs, rule.minCoverageDuration);
  const coveredMs = period.coverage === null ? null : period.coverage * period.periodMs;
  const unit = status.budgetingMethod === 'Occurrences' ? 'events' : 'slices';
  const missing: string[] = [];
  // 1 - 0.999 is 0.0010000000000000009 in floating point: the floor is met within rounding.
  if (budgetEvents < rule.minBudgetEvents - 1e-9) {
    missing.push(
      `${count(total)} ${unit} in the period make an error budget of ${count(budgetEvents)} bad ${unit} at objective ${Number((status.objective * 100).toFixed(4))}%; ` +
        `a budget deny needs a budget of at least ${rule.minBudgetEvents} (${count(neededEvents)} ${unit})`,
    );
  }
  if (coveredMs === null || coveredMs < neededMs) {
    const have = coveredMs === null ? 'an unknown share' : span(coveredMs);
    missing.push(`data for ${have} of the ${status.window} period; it needs ${span(neededMs)}`);
  }
  return { sufficient: missing.length === 0, budgetEvents, neededEvents, coveredMs, neededMs, missing };
}
