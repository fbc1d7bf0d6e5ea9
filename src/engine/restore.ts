import type { EngineStore } from '../core/index.js';
import { COARSE_BUCKET_MS, FINE_BUCKET_MS } from '../core/index.js';
import type { Plan } from './plan.js';
import { SlotArena } from './prefix-ring.js';
import { TermSeries } from './term-series.js';

const GROUP_MARK = ' @ {';

/** Where the minute buckets a restore reads begin: what is kept of them at `now`. */
export function fineScanFrom(now: number, fineKeep: number): number {
  return Math.floor((now - fineKeep) / FINE_BUCKET_MS) * FINE_BUCKET_MS;
}

/** Builds the in-memory series of every term the plan reads (and its slice terms), filled from the store. */
export function restoreSeries(plan: Plan, store: EngineStore, now: number, fineKeep: number): Map<string, TermSeries> {
  const series = new Map<string, TermSeries>();
  const make = (key: string, longestWindow: number): void => {
    const kept = new TermSeries(key, { fineKeep, longestWindow });
    kept.restore(store, now, fineKeep);
    series.set(key, kept);
  };
  // Terms remote SLIs are pulled into, beside the ingested and slice ones.
  const pulled = new Map<string, number>();
  for (const pull of plan.pulls.values()) if (pull.mode === 'live') for (const target of pull.targets) pulled.set(target.key, Math.max(pulled.get(target.key) ?? 0, pull.reach));
  if (!store.scanBuckets) {
    for (const [key, entry] of plan.terms) make(key, entry.longestWindow);
    for (const [key, longestWindow] of plan.sliceTerms) make(key, longestWindow);
    for (const [key, longestWindow] of pulled) make(key, longestWindow);
    return series;
  }
  // One pass over each table instead of two queries per term.
  for (const [key, entry] of plan.terms) series.set(key, new TermSeries(key, { fineKeep, longestWindow: entry.longestWindow }));
  for (const [key, longestWindow] of plan.sliceTerms) series.set(key, new TermSeries(key, { fineKeep, longestWindow }));
  for (const [key, longestWindow] of pulled) series.set(key, new TermSeries(key, { fineKeep, longestWindow }));
  const fineFrom = fineScanFrom(now, fineKeep);
  // A loop, not Math.max(...sizes): spreading 200,000 terms (100,000 SLOs) as arguments overflows the stack.
  let longest = 0;
  for (const kept of series.values()) longest = Math.max(longest, kept.coarse.size);
  const coarseFrom = (Math.floor(now / COARSE_BUCKET_MS) - longest + 1) * COARSE_BUCKET_MS;
  // Read on while the minute rings are loaded (the engine asked for the minute buckets before it planned).
  store.prefetchBuckets?.('coarse', coarseFrom);
  for (const kept of series.values()) kept.fine.load([], fineFrom);
  // Grouped SLOs' group buckets (`<term> @ <group>`) are found as they are read: which groups exist is the data's.
  const groupSeries = (key: string): TermSeries | undefined => {
    const known = series.get(key);
    if (known) return known;
    const at = key.indexOf(GROUP_MARK);
    const entry = at < 0 ? undefined : plan.terms.get(key.slice(0, at));
    if (!entry || !plan.groupings.has(entry.term.key)) return undefined;
    const kept = new TermSeries(key, { fineKeep, longestWindow: entry.longestWindow });
    kept.fine.load([], fineFrom);
    series.set(key, kept);
    return kept;
  };
  // The minute rings' first storage comes from one arena: views of shared blocks, not an array each (see SlotArena).
  // Hour rings start at 8 slots (64 bytes), which V8 keeps inside the array object on the heap, cheaply enough; paired
  // runs with them in the arena too were no faster and their first evaluation looked slower (bench/scale/NOTES.md).
  const arena = new SlotArena();
  store.scanBuckets('fine', fineFrom, (term, rows) => groupSeries(term)?.fine.loadColumns(rows, fineFrom, arena));
  store.scanBuckets('coarse', coarseFrom, (term, rows) => {
    const kept = groupSeries(term);
    if (!kept) return;
    const from = (Math.floor(now / COARSE_BUCKET_MS) - kept.coarse.size + 1) * COARSE_BUCKET_MS;
    kept.coarse.loadColumns(rows, from);
  });
  for (const kept of series.values()) if (kept.coarse.head === Number.NEGATIVE_INFINITY) kept.coarse.load([], (Math.floor(now / COARSE_BUCKET_MS) - kept.coarse.size + 1) * COARSE_BUCKET_MS);
  return series;
}
