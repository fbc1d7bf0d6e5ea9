import type { SeriesState } from '../core/index.js';

export type Temporality = 'cumulative' | 'delta' | 'gauge';

export type SampleOutcome =
  | { readonly kind: 'applied'; readonly increase: number; readonly state: SeriesState }
  | { readonly kind: 'dropped'; readonly reason: 'duplicate' | 'out_of_order' | 'invalid' };

/**
 * One sample of a series against what the series last said, the way Prometheus's `increase()` reads counters:
 * the first sample is the baseline (no increase), a drop is a reset (the new value is the increase since it), and a
 * sample at or before the last seen timestamp is ignored, so a redelivered batch never counts twice. For OTLP
 * cumulative streams a later start time is a reset too. Delta samples are increases on their own; gauge samples
 * only move the last-seen timestamp (the caller turns each into one event).
 */
export function applySample(
  key: string,
  previous: SeriesState | undefined,
  timestamp: number,
  value: number,
  temporality: Temporality,
  startTime: number,
): SampleOutcome {
  if (!Number.isFinite(value) || !Number.isFinite(timestamp)) return { kind: 'dropped', reason: 'invalid' };
  if (previous !== undefined && timestamp <= previous.lastTimestamp) {
    return { kind: 'dropped', reason: timestamp === previous.lastTimestamp ? 'duplicate' : 'out_of_order' };
  }
  const state: SeriesState = { key, lastTimestamp: timestamp, lastValue: value, startTime };
  switch (temporality) {
    case 'gauge':
      return { kind: 'applied', increase: 0, state };
    case 'delta':
      if (value < 0) return { kind: 'dropped', reason: 'invalid' };
      return { kind: 'applied', increase: value, state };
    case 'cumulative': {
      if (value < 0) return { kind: 'dropped', reason: 'invalid' };
      if (previous === undefined) return { kind: 'applied', increase: 0, state };
      const restarted = startTime > 0 && previous.startTime > 0 && startTime > previous.startTime;
      if (restarted || value < previous.lastValue) return { kind: 'applied', increase: value, state };
      return { kind: 'applied', increase: value - previous.lastValue, state };
    }
  }
}
