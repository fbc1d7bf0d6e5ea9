/**
 * Shared helpers for the benchmarks: each bench measures several runs, reports medians with their spread, and sets
 * every figure beside a baseline measured in the same run. `reportFigures` prints a table for people and one
 * `BENCH_RESULT` JSON line that `npm run bench` (bench/run.ts) gathers into bench/RESULTS.md.
 */

export interface Figure {
  /** What is measured, e.g. "remote-write samples/s". */
  readonly name: string;
  readonly unit: string;
  /** sloe's runs. */
  readonly runs: readonly number[];
  /** The baseline's runs, measured in the same process run. */
  readonly baselineRuns?: readonly number[];
  readonly baselineName?: string;
  /** The target from the issue, as text ("< 200 ms"), and whether it is met. */
  readonly target?: string;
  readonly met?: boolean;
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** Spread as (max - min) / median, in percent. */
export function spreadPercent(values: readonly number[]): number {
  if (values.length < 2) return 0;
  const m = median(values);
  return m === 0 ? 0 : ((Math.max(...values) - Math.min(...values)) / Math.abs(m)) * 100;
}

export function format(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (Math.abs(value) >= 1000) return Math.round(value).toLocaleString('en-US');
  if (Math.abs(value) >= 10) return value.toFixed(1);
  return value.toPrecision(3);
}

export function reportFigures(bench: string, figures: readonly Figure[]): void {
  const rows = figures.map((figure) => {
    const value = median(figure.runs);
    const baseline = figure.baselineRuns ? median(figure.baselineRuns) : undefined;
    return {
      name: figure.name,
      unit: figure.unit,
      median: value,
      spread: spreadPercent(figure.runs),
      runs: figure.runs.length,
      baselineName: figure.baselineName,
      baselineMedian: baseline,
      baselineSpread: figure.baselineRuns ? spreadPercent(figure.baselineRuns) : undefined,
      ratio: baseline === undefined || baseline === 0 ? undefined : value / baseline,
      target: figure.target,
      met: figure.met,
    };
  });
  for (const row of rows) {
    // No ratio against a baseline of 0 (a p50 under autocannon's 1 ms resolution): the table leaves its cell empty too.
    const ratio = row.ratio === undefined ? '' : ` (ratio ${format(row.ratio)})`;
    const baseline = row.baselineMedian === undefined ? '' : `  vs ${row.baselineName ?? 'baseline'} ${format(row.baselineMedian)}${ratio}`;
    const target = row.target === undefined ? '' : `  target ${row.target}: ${row.met === true ? 'met' : row.met === false ? 'NOT met' : '?'}`;
    console.log(`${bench}: ${row.name}: ${format(row.median)} ${row.unit} ±${row.spread.toFixed(1)}% (${row.runs} runs)${baseline}${target}`);
  }
  console.log(`BENCH_RESULT ${JSON.stringify({ bench, rows })}`);
}
