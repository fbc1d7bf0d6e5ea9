import { MINUTE } from '../duration.js';
import type { BudgetingMethod, DurationMs, Objective } from '../model.js';

export type SliceMethod = Exclude<BudgetingMethod, 'Occurrences'>;

/**
 * What one finished time slice adds to `good` (it always adds 1 to `total`), from the events inside it.
 * - Timeslices: 1 when the slice's ratio reaches the slice target (`timeSliceTarget`, else the objective's target),
 *   else 0.
 * - RatioTimeslices: the slice's ratio itself, so the SLI is the mean of slice ratios.
 * A slice without events returns null: it is not counted at all (neither good nor bad), as OpenSLO leaves empty
 * slices undefined and counting them either way would make quiet nights look perfect or broken.
 */
export function sliceOutcome(goodEvents: number, totalEvents: number, objective: Objective, method: SliceMethod): number | null {
  if (!(totalEvents > 0)) return null;
  const ratio = Math.min(1, Math.max(0, goodEvents / totalEvents));
  if (method === 'RatioTimeslices') return ratio;
  return ratio >= (objective.timeSliceTarget ?? objective.target) ? 1 : 0;
}

/** Slices are a minute long unless the objective says otherwise (OpenSLO's common choice). */
export const DEFAULT_TIME_SLICE: DurationMs = MINUTE;

export function sliceLength(objective: Pick<Objective, 'timeSliceWindow'>): DurationMs {
  const length = objective.timeSliceWindow;
  return length !== undefined && length > 0 ? length : DEFAULT_TIME_SLICE;
}
