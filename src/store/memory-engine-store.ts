import type { BucketColumns, BucketResolution, BucketRow, EngineStore, SeriesState, SliceMark, TermIncrease } from '../core/index.js';
import { COARSE_BUCKET_MS } from '../core/index.js';
import type { RetentionOptions } from './sqlite/engine-store.js';

/** EngineStore kept in memory, with the SQLite store's semantics (tests, and runs that need no durability). */
export class MemoryEngineStore implements EngineStore {
  private readonly fine = new Map<string, Map<number, number>>();
  private readonly coarse = new Map<string, Map<number, number>>();
  private readonly series = new Map<string, SeriesState>();
  private readonly alerts = new Map<string, string>();
  private readonly sliceEnds = new Map<string, number>();

  constructor(private readonly options: RetentionOptions) {}

  commit(increases: readonly TermIncrease[], series: readonly SeriesState[]): void {
    for (const increase of increases) {
      if (increase.value === 0) continue;
      add(this.fine, increase.term, increase.bucket, increase.value);
      add(this.coarse, increase.term, increase.bucket - (increase.bucket % COARSE_BUCKET_MS), increase.value);
    }
    for (const state of series) this.series.set(state.key, { ...state });
  }

  buckets(resolution: BucketResolution, term: string, from: number, to: number): BucketRow[] {
    const rows = (resolution === 'fine' ? this.fine : this.coarse).get(term);
    if (!rows) return [];
    return [...rows].filter(([t]) => t >= from && t < to).sort(([a], [b]) => a - b).map(([t, value]) => ({ t, value }));
  }

  scanBuckets(resolution: BucketResolution, from: number, visit: (term: string, rows: BucketColumns) => void): void {
    for (const term of (resolution === 'fine' ? this.fine : this.coarse).keys()) {
      const rows = this.buckets(resolution, term, from, Number.MAX_SAFE_INTEGER);
      if (rows.length === 0) continue;
      visit(term, { t: Float64Array.from(rows, (row) => row.t), value: Float64Array.from(rows, (row) => row.value), length: rows.length });
    }
  }

  seriesStates(): SeriesState[] {
    return [...this.series.values()].map((state) => ({ ...state }));
  }

  alertStates(): { key: string; value: unknown }[] {
    return [...this.alerts].map(([key, text]) => ({ key, value: JSON.parse(text) as unknown }));
  }

  saveAlertStates(put: readonly { key: string; value: unknown }[], remove: readonly string[] = []): void {
    for (const entry of put) this.alerts.set(entry.key, JSON.stringify(entry.value));
    for (const key of remove) this.alerts.delete(key);
  }

  sliceMarks(): SliceMark[] {
    return [...this.sliceEnds].map(([objective, end]) => ({ objective, end }));
  }

  saveSliceMarks(put: readonly SliceMark[], remove: readonly string[] = []): void {
    for (const mark of put) this.sliceEnds.set(mark.objective, mark.end);
    for (const objective of remove) this.sliceEnds.delete(objective);
  }

  prune(now: number): { fine: number; coarse: number } {
    return { fine: prune(this.fine, now - this.options.fineKeep), coarse: prune(this.coarse, now - this.options.retention) };
  }
}

function add(buckets: Map<string, Map<number, number>>, term: string, t: number, value: number): void {
  let rows = buckets.get(term);
  if (!rows) buckets.set(term, (rows = new Map<number, number>()));
  rows.set(t, (rows.get(t) ?? 0) + value);
}

function prune(buckets: Map<string, Map<number, number>>, before: number): number {
  let removed = 0;
  for (const rows of buckets.values()) {
    for (const t of rows.keys()) {
      if (t < before) {
        rows.delete(t);
        removed++;
      }
    }
  }
  return removed;
}
