import { withoutName } from './instant.js';
import type { InstantSeries } from './instant.js';

const AGGREGATIONS = ['sum', 'min', 'max', 'avg', 'count'] as const;
export type Aggregation = (typeof AGGREGATIONS)[number];

export function isAggregation(op: string): op is Aggregation {
  return (AGGREGATIONS as readonly string[]).includes(op);
}

export interface Grouping {
  readonly mode: 'by' | 'without';
  readonly labels: readonly string[];
}

/** An aggregation over a vector, one output series per group, groups in the order their first series came. */
export function aggregate(op: Aggregation, series: readonly InstantSeries[], grouping: Grouping | undefined): InstantSeries[] {
  const groups = new Map<string, { labels: Record<string, string>; values: number[] }>();
  for (const one of series) {
    const labels = groupLabels(one.labels, grouping);
    const key = JSON.stringify(Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    let group = groups.get(key);
    if (!group) groups.set(key, (group = { labels, values: [] }));
    group.values.push(one.value);
  }
  return [...groups.values()].map((group) => ({ labels: group.labels, value: combine(op, group.values) }));
}

function groupLabels(labels: Readonly<Record<string, string>>, grouping: Grouping | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (grouping?.mode === 'by') {
    for (const name of grouping.labels) if (labels[name] !== undefined && labels[name] !== '') out[name] = labels[name];
  } else if (grouping?.mode === 'without') {
    for (const [name, value] of Object.entries(withoutName(labels))) if (!grouping.labels.includes(name)) out[name] = value;
  }
  return out;
}

function combine(op: Aggregation, values: readonly number[]): number {
  switch (op) {
    case 'sum':
      return values.reduce((sum, value) => sum + value, 0);
    case 'avg':
      return values.reduce((sum, value) => sum + value, 0) / values.length;
    case 'count':
      return values.length;
    case 'min':
    case 'max': {
      // Prometheus skips NaN unless every value is NaN.
      const numbers = values.filter((value) => !Number.isNaN(value));
      if (numbers.length === 0) return Number.NaN;
      // A fold, not Math.min(...numbers): a fleet's slo:* series (100,000 SLOs) are past V8's argument limit.
      return op === 'min' ? numbers.reduce((low, value) => Math.min(low, value)) : numbers.reduce((high, value) => Math.max(high, value));
    }
  }
}
