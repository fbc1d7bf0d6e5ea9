import { METRICS, formatDuration, substituteWindow } from '../../../core/index.js';
import type { DurationMs } from '../../../core/index.js';
import { groupAggregations } from '../grouping.js';
import { addMatcher, eventCount, leMatcher, thresholdCheck } from '../promql.js';
import { isLongWindow, periodRange, windowLabels } from '../target.js';
import type { Target } from '../target.js';
import type { PlacedRule } from '../types.js';

interface EventQueries {
  readonly good: string;
  readonly total: string;
}

/** Good and total events of an SLI within a window, per group of a grouped SLO; undefined for a raw ratio. */
export function eventQueries(target: Target, window: DurationMs): EventQueries | undefined {
  const queries = ungroupedEventQueries(target, window);
  if (queries === undefined || target.groupBy.length === 0) return queries;
  return { good: groupAggregations(queries.good, target.groupBy), total: groupAggregations(queries.total, target.groupBy) };
}

/** Good and total events of an SLI within a window, or undefined for a raw ratio (it has no events). */
function ungroupedEventQueries(target: Target, window: DurationMs): EventQueries | undefined {
  const { sli, objective } = target;
  const range = formatDuration(window);
  switch (sli.kind) {
    case 'ratio': {
      // A counter of failures (or successes) often has no series until the first one happens; `or total * 0` reads
      // that as zero events instead of leaving the SLI without data.
      const total = eventCount(sli.total.promql, window);
      if (sli.good !== undefined) return { good: `${eventCount(sli.good.promql, window)} or ${total} * 0`, total };
      // good = total - bad: the rules keep good and total so the period SLI is one ratio of two sums.
      return { good: `${total} - (${eventCount(sli.bad?.promql ?? '', window)} or ${total} * 0)`, total };
    }
    case 'latency':
      return {
        good: `sum(increase(${addMatcher(sli.histogram.promql, leMatcher(sli.threshold))}[${range}]))`,
        total: `sum(increase(${addMatcher(sli.histogram.promql, leMatcher(Number.POSITIVE_INFINITY))}[${range}]))`,
      };
    case 'threshold': {
      // Every evaluation of the query is one event, good when it meets the objective's threshold (as the engine counts
      // gauge samples). A window inside the query is the base window: the value is read as often as the rules run.
      const query = substituteWindow(sli.metric.promql, formatDuration(target.baseWindow));
      return {
        good: `sum(sum_over_time((${thresholdCheck(query, objective.op ?? 'lte', objective.value ?? 0)})[${range}:]))`,
        total: `sum(count_over_time((${query.trim()})[${range}:]))`,
      };
    }
    case 'rawRatio':
      return undefined;
  }
}

/**
 * Event counts over the period, from the base window's recorded counts: each evaluation's count covers the base
 * window, so summing them over the period counts every event base/interval times; multiplying by interval/base
 * gives the period's count. The period SLI is the ratio of good to total, in which that factor cancels, so it
 * weighs every event alike however traffic is spread (unlike an average of short-window ratios).
 */
function periodCount(target: Target, metric: (window: string) => string): string {
  const base = formatDuration(target.baseWindow);
  return `sum_over_time(${metric(base)}${target.selector}[${periodRange(target)}]) * ${target.options.interval / 1000} / ${target.baseWindow / 1000}`;
}

/** The event-count stage: `slo:events_good:increase<w>` and `slo:events_total:increase<w>` for every window. */
export function eventRecordings(target: Target): PlacedRule[] {
  const rules: PlacedRule[] = [];
  for (const window of target.windows) {
    const queries = eventQueries(target, window);
    if (queries === undefined) return [];
    const placement = target.options.split && isLongWindow(target, window) ? 'long' : 'sli';
    const labels = windowLabels(target, window);
    rules.push({ placement, rule: { record: METRICS.eventsGood(formatDuration(window)), expr: queries.good, labels } });
    rules.push({ placement, rule: { record: METRICS.eventsTotal(formatDuration(window)), expr: queries.total, labels } });
  }
  const period = formatDuration(target.period);
  const labels = windowLabels(target, target.period);
  const placement = target.options.split ? 'long' : 'sli';
  rules.push({ placement, rule: { record: METRICS.eventsGood(period), expr: periodCount(target, METRICS.eventsGood), labels } });
  rules.push({ placement, rule: { record: METRICS.eventsTotal(period), expr: periodCount(target, METRICS.eventsTotal), labels } });
  return rules;
}
