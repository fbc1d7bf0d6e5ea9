export type Temporality = 'cumulative' | 'delta' | 'gauge';

/** A series' state while a commit is being built: the appender's own copy, advanced in place sample by sample. */
export interface MutableSeriesState {
  key: string;
  lastTimestamp: number;
  lastValue: number;
  startTime: number;
}

/** Why a sample was dropped; `advanceSeries` returns these as negative numbers so the hot path allocates nothing. */
export const DROP_DUPLICATE = -1;
export const DROP_OUT_OF_ORDER = -2;
export const DROP_INVALID = -3;
export const DROP_REASONS: Readonly<Record<number, 'duplicate' | 'out_of_order' | 'invalid'>> = {
  [DROP_DUPLICATE]: 'duplicate',
  [DROP_OUT_OF_ORDER]: 'out_of_order',
  [DROP_INVALID]: 'invalid',
};

/**
 * One sample of a series against what the series last said, the way Prometheus's `increase()` reads counters:
 * the first sample is the baseline (no increase), a drop is a reset (the new value is the increase since it), and a
 * sample at or before the last seen timestamp is ignored, so a redelivered batch never counts twice. For OTLP
 * cumulative streams a later start time is a reset too. Delta samples are increases on their own; gauge samples
 * only move the last-seen timestamp (the caller turns each into one event).
 *
 * `state` is the series' state so far (`seen` false for a series never seen: its fields are then ignored) and is
 * advanced in place when the sample applies. Returns the increase (>= 0), or a negative DROP_* code.
 */
export function advanceSeries(state: MutableSeriesState, seen: boolean, timestamp: number, value: number, temporality: Temporality, startTime: number): number {
  if (!Number.isFinite(value) || !Number.isFinite(timestamp)) return DROP_INVALID;
  if (seen && timestamp <= state.lastTimestamp) return timestamp === state.lastTimestamp ? DROP_DUPLICATE : DROP_OUT_OF_ORDER;
  if (temporality !== 'gauge' && value < 0) return DROP_INVALID;
  let increase = 0;
  if (temporality === 'delta') increase = value;
  else if (temporality === 'cumulative' && seen) {
    const restarted = startTime > 0 && state.startTime > 0 && startTime > state.startTime;
    increase = restarted || value < state.lastValue ? value : value - state.lastValue;
  }
  state.lastTimestamp = timestamp;
  state.lastValue = value;
  state.startTime = startTime;
  return increase;
}
