import uPlot from 'uplot';
import type { HistoryPoint } from './api.js';
import { h } from './dom.js';

const PALETTE = ['#2563eb', '#db2777', '#16a34a', '#ea580c', '#7c3aed', '#0891b2', '#ca8a04', '#475569'];

function seconds(points: readonly HistoryPoint[]): number[] {
  return points.map((point) => Date.parse(point.t) / 1000);
}

function values(points: readonly HistoryPoint[], pick: (point: HistoryPoint) => number | null | undefined): (number | null)[] {
  return points.map((point) => {
    const value = pick(point);
    return value === undefined || value === null || !Number.isFinite(value) ? null : value;
  });
}

interface Line {
  readonly label: string;
  readonly data: (number | null)[];
  readonly color: string;
  readonly dash?: number[];
  readonly width?: number;
}

/** Draws one uPlot chart into a new figure; lines with constant values (targets, thresholds) are dashed. */
function chart(title: string, x: number[], lines: readonly Line[], width: number, format: (value: number) => string, range: (min: number, max: number) => [number, number]): HTMLElement {
  const figure = h('figure', { class: 'chart', 'data-chart': title }, h('figcaption', {}, title));
  const options: uPlot.Options = {
    width,
    height: 200,
    // spanGaps false: a stretch without data is a gap, not a line drawn across it.
    series: [{}, ...lines.map((line) => ({ label: line.label, stroke: line.color, spanGaps: false, width: line.width ?? 2, ...(line.dash ? { dash: line.dash } : {}), value: (_: uPlot, value: number | null) => (value === null ? '–' : format(value)) }))],
    axes: [{}, { values: (_: uPlot, ticks: number[]) => ticks.map(format), size: 76 }],
    // The y range is set from the data and the reference lines, so a flat or empty series never gets uPlot's default
    // padding (which drew 0 to 10,000 %).
    scales: { x: { time: true }, y: { range: (_: uPlot, min: number | null, max: number | null) => range(min ?? 0, max ?? 1) } },
    legend: { show: true },
    cursor: { drag: { x: true, y: false } },
  };
  new uPlot(options, [x, ...lines.map((line) => line.data)] as uPlot.AlignedData, figure);
  return figure;
}

/** Pages render off-screen and are swapped in whole, so a chart's width comes from the page's main column. */
export function chartWidth(): number {
  const main = document.getElementById('main');
  return Math.max(320, Math.min(1200, (main?.clientWidth ?? 960) - 8));
}

const pct = (digits: number) => (value: number) => `${(value * 100).toFixed(digits)}%`;

/**
 * Budget remaining: it starts at 100 % and burns down; 0 is where it runs out. With a time to exhaustion, a dashed
 * forecast runs from the last figure to zero at that time (cut at the chart's own extent past the end, where it is
 * drawn to the value it would have by then).
 */
export function budgetChart(points: readonly HistoryPoint[], width: number, timeToExhaustionSeconds?: number | null): HTMLElement {
  const x = seconds(points);
  const remaining = values(points, (point) => point.budgetRemaining);
  const forecast: (number | null)[] = x.map(() => null);
  const lastIndex = remaining.findLastIndex((value) => value !== null);
  const last = lastIndex >= 0 ? remaining[lastIndex] : null;
  const lastX = x[lastIndex];
  const firstX = x[0];
  if (last !== null && last !== undefined && last > 0 && lastX !== undefined && firstX !== undefined && timeToExhaustionSeconds !== null && timeToExhaustionSeconds !== undefined && Number.isFinite(timeToExhaustionSeconds) && timeToExhaustionSeconds > 0) {
    const horizon = Math.max(lastX - firstX, 3600);
    const reach = Math.min(timeToExhaustionSeconds, horizon);
    forecast[lastIndex] = last;
    x.push(lastX + reach);
    remaining.push(null);
    forecast.push(last * (1 - reach / timeToExhaustionSeconds));
  }
  const lines: Line[] = [
    { label: 'budget remaining', data: remaining, color: PALETTE[0] ?? 'blue' },
    { label: 'exhausted', data: x.map(() => 0), color: '#dc2626', dash: [4, 4], width: 1 },
  ];
  if (forecast.some((value) => value !== null)) lines.push({ label: 'forecast', data: forecast, color: '#ea580c', dash: [8, 4], width: 2 });
  const figure = chart('Error budget remaining', x, lines, width, pct(0), (min, max) => [Math.min(0, min), Math.max(1, max)]);
  figure.dataset.forecast = forecast.some((value) => value !== null) ? 'yes' : 'no';
  return figure;
}

export function sliChart(points: readonly HistoryPoint[], objective: number, width: number): HTMLElement {
  const x = seconds(points);
  return chart('SLI over the window', x, [
    { label: 'SLI', data: values(points, (point) => point.sli), color: PALETTE[2] ?? 'green' },
    { label: 'objective', data: x.map(() => objective), color: '#64748b', dash: [6, 4], width: 1 },
  ], width, pct(objective > 0.99 ? 2 : 1), (min) => {
    // From a little below the lower of the data and the objective, up to 100 %: never below 0 or above 100 %.
    const low = Math.min(min, objective);
    return [Math.max(0, low - (1 - low) * 0.25), 1];
  });
}

/** Burn rate of every window over time, with each tier's threshold as a dashed line. */
export function burnChart(points: readonly HistoryPoint[], thresholds: readonly { label: string; value: number }[], width: number): HTMLElement {
  const x = seconds(points);
  const windows = [...new Set(points.flatMap((point) => Object.keys(point.burnRates)))];
  const lines: Line[] = windows.map((window, index) => ({ label: window, data: values(points, (point) => point.burnRates[window]), color: PALETTE[index % PALETTE.length] ?? 'black' }));
  for (const threshold of thresholds) lines.push({ label: threshold.label, data: x.map(() => threshold.value), color: '#dc2626', dash: [4, 4], width: 1 });
  return chart('Burn rates', x, lines, width, (value) => value.toFixed(value >= 10 ? 0 : 1), (_min, max) => [0, Math.max(1, max) * 1.1]);
}

/**
 * Budget remaining of several SLOs over one range (the report page): a line each, on the union of their times, with
 * the exhausted line at 0. Points a series lacks are gaps.
 */
export function budgetsChart(series: readonly { label: string; points: readonly { t: string; remaining: number | null }[] }[], width: number): HTMLElement {
  const x = [...new Set(series.flatMap((each) => each.points.map((point) => Date.parse(point.t) / 1000)))].sort((a, b) => a - b);
  const lines: Line[] = series.map((each, index) => {
    const byTime = new Map(each.points.map((point) => [Date.parse(point.t) / 1000, point.remaining]));
    return { label: each.label, data: x.map((t) => byTime.get(t) ?? null), color: PALETTE[index % PALETTE.length] ?? 'blue' };
  });
  lines.push({ label: 'exhausted', data: x.map(() => 0), color: '#dc2626', dash: [4, 4], width: 1 });
  return chart('Error budget remaining over the range', x, lines, width, pct(0), (min, max) => [Math.min(0, min), Math.max(1, max)]);
}
