import type { EngineStore } from '../core/index.js';
import type { Plan } from './plan.js';
import { TermSeries } from './term-series.js';

/** Builds the in-memory series of every term the plan reads (and its slice terms), filled from the store. */
export function restoreSeries(plan: Plan, store: EngineStore, now: number, fineKeep: number): Map<string, TermSeries> {
  const series = new Map<string, TermSeries>();
  const make = (key: string, longestWindow: number): void => {
    const kept = new TermSeries(key, { fineKeep, longestWindow });
    kept.restore(store, now, fineKeep);
    series.set(key, kept);
  };
  for (const [key, entry] of plan.terms) make(key, entry.longestWindow);
  for (const [key, longestWindow] of plan.sliceTerms) make(key, longestWindow);
  return series;
}
