import type { Sli, ThresholdOp } from '../core/index.js';
import { SloeError, formatDuration, substituteWindow } from '../core/index.js';

/** The two queries whose results are an SLI's good and total events over a window, and how to read them. */
export interface CountQueries {
  readonly good?: string;
  readonly bad?: string;
  readonly total: string;
  /** Raw ratio SLIs: the query gives a ratio, not counts; `good` is then 1 - bad or the ratio itself. */
  readonly ratio?: 'good' | 'bad';
}

const BARE_SELECTOR = /^\s*([a-zA-Z_:][a-zA-Z0-9_:]*)?\s*(\{[^{}]*\})?\s*$/;

/** The query with its window placeholders (core's, every spelling) filled in. */
function withWindow(promql: string, windowMs: number): string {
  return substituteWindow(promql, formatDuration(windowMs));
}

/**
 * A query as a count of events over the window: a bare counter selector becomes `sum(increase(SEL[w]))`; `rate(`
 * becomes `increase(` (the same thing times the window's seconds, as Prometheus computes both); anything else is
 * evaluated as written, with its window filled in, and its samples summed.
 */
export function eventsQuery(promql: string, windowMs: number): string {
  const trimmed = promql.trim();
  const window = formatDuration(windowMs);
  if (BARE_SELECTOR.test(trimmed) && trimmed.length > 0) return `sum(increase(${trimmed}[${window}]))`;
  return withWindow(trimmed, windowMs).replace(/\brate\s*\(/g, 'increase(');
}

/** Adds (or replaces) an `le` matcher on a bucket selector: `x_bucket{job="a"}` → `x_bucket{job="a",le="0.3"}`. */
export function withBucket(selector: string, le: string): string {
  const trimmed = selector.trim();
  const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)?\s*(?:\{([^{}]*)\})?$/.exec(trimmed);
  if (!match) throw new SloeError('sli_unsupported', `histogram selector ${selector} is not a plain selector`);
  const matchers = (match[2] ?? '')
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part.length > 0 && !/^le\s*(=|!=|=~|!~)/.test(part));
  return `${match[1] ?? ''}{${[...matchers, `le="${le}"`].join(',')}}`;
}

const COMPARISON: Record<ThresholdOp, string> = { lt: '<', lte: '<=', gt: '>', gte: '>=' };

/** The PromQL giving an SLI's events over a window (ending at the evaluation time). */
export function countQueries(sli: Sli, windowMs: number, threshold?: { op: ThresholdOp; value: number }): CountQueries {
  const window = formatDuration(windowMs);
  switch (sli.kind) {
    case 'ratio': {
      const total = eventsQuery(sli.total.promql, windowMs);
      if (sli.good) return { good: eventsQuery(sli.good.promql, windowMs), total };
      if (sli.bad) return { bad: eventsQuery(sli.bad.promql, windowMs), total };
      throw new SloeError('sli_unsupported', 'a ratio SLI needs good or bad');
    }
    case 'latency': {
      const selector = withWindow(sli.histogram.promql, windowMs);
      return {
        good: `sum(increase(${withBucket(selector, String(sli.threshold))}[${window}]))`,
        total: `sum(increase(${withBucket(selector, '+Inf')}[${window}]))`,
      };
    }
    case 'threshold': {
      if (!threshold) throw new SloeError('sli_unsupported', 'a threshold SLI evaluated remotely needs the objective\'s op and value');
      const metric = withWindow(sli.metric.promql, windowMs);
      // Every sample of the gauge in the window is one event; the good ones satisfy the comparison.
      return {
        good: `sum(count_over_time(((${metric}) ${COMPARISON[threshold.op]} ${threshold.value})[${window}:]))`,
        total: `sum(count_over_time((${metric})[${window}:]))`,
      };
    }
    case 'rawRatio':
      return { total: withWindow(sli.query.promql, windowMs), ratio: sli.meaning };
  }
}
