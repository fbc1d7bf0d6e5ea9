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
function chart(title: string, x: number[], lines: readonly Line[], width: number, format: (value: number) => string): HTMLElement {
  const figure = h('figure', { class: 'chart', 'data-chart': title }, h('figcaption', {}, title));
  const options: uPlot.Options = {
    width,
    height: 200,
    series: [{}, ...lines.map((line) => ({ label: line.label, stroke: line.color, width: line.width ?? 2, ...(line.dash ? { dash: line.dash } : {}), value: (_: uPlot, value: number | null) => (value === null ? '–' : format(value)) }))],
    axes: [{}, { values: (_: uPlot, ticks: number[]) => ticks.map(format), size: 76 }],
    scales: { x: { time: true } },
    legend: { show: true },
    cursor: { drag: { x: true, y: false } },
  };
  new uPlot(options, [x, ...lines.map((line) => line.data)] as uPlot.AlignedData, figure);
  return figure;
}

const pct = (digits: number) => (value: number) => `${(value * 100).toFixed(digits)}%`;

/** Budget remaining over the period: it starts at 100 % and burns down; 0 is where it runs out. */
export function budgetChart(points: readonly HistoryPoint[], width: number): HTMLElement {
  const x = seconds(points);
  return chart('Error budget remaining', x, [
    { label: 'budget remaining', data: values(points, (point) => point.budgetRemaining), color: PALETTE[0] ?? 'blue' },
    { label: 'exhausted', data: x.map(() => 0), color: '#dc2626', dash: [4, 4], width: 1 },
  ], width, pct(0));
}

export function sliChart(points: readonly HistoryPoint[], objective: number, width: number): HTMLElement {
  const x = seconds(points);
  return chart('SLI over the window', x, [
    { label: 'SLI', data: values(points, (point) => point.sli), color: PALETTE[2] ?? 'green' },
    { label: 'objective', data: x.map(() => objective), color: '#64748b', dash: [6, 4], width: 1 },
  ], width, pct(objective > 0.99 ? 2 : 1));
}

/** Burn rate of every window over time, with each tier's threshold as a dashed line. */
export function burnChart(points: readonly HistoryPoint[], thresholds: readonly { label: string; value: number }[], width: number): HTMLElement {
  const x = seconds(points);
  const windows = [...new Set(points.flatMap((point) => Object.keys(point.burnRates)))];
  const lines: Line[] = windows.map((window, index) => ({ label: window, data: values(points, (point) => point.burnRates[window]), color: PALETTE[index % PALETTE.length] ?? 'black' }));
  for (const threshold of thresholds) lines.push({ label: threshold.label, data: x.map(() => threshold.value), color: '#dc2626', dash: [4, 4], width: 1 });
  return chart('Burn rates', x, lines, width, (value) => value.toFixed(value >= 10 ? 0 : 1));
}
