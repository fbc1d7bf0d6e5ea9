import { METRICS, formatDuration, substituteWindow } from '../../../core/index.js';
import type { DurationMs } from '../../../core/index.js';
import { groupAggregations } from '../grouping.js';
import { isLongWindow, periodRange, windowLabels } from '../target.js';
import type { Target } from '../target.js';
import type { PlacedRule } from '../types.js';

/** Error ratio from the recorded event counts of the same window: 1 - good/total. */
function fromEvents(target: Target, window: DurationMs): string {
  const range = formatDuration(window);
  const selector = target.selector;
  return `1 - (${METRICS.eventsGood(range)}${selector} / ${METRICS.eventsTotal(range)}${selector})`;
}

/** A raw ratio SLI is its own query, turned into an error ratio when it yields the success ratio. */
function fromRawQuery(target: Target, window: DurationMs): string {
  if (target.sli.kind !== 'rawRatio') throw new Error('fromRawQuery needs a raw ratio SLI');
  const query = groupAggregations(substituteWindow(target.sli.query.promql, formatDuration(window)).trim(), target.groupBy);
  return target.sli.meaning === 'bad' ? `(${query})` : `1 - (${query})`;
}

/**
 * A raw ratio has no events, so its period error ratio can only be the mean of the base window's ratios (what Sloth
 * does for every SLI). Event-based SLIs never take this path.
 */
function rawPeriod(target: Target): string {
  const series = `${METRICS.sliErrorRatio(formatDuration(target.baseWindow))}${target.selector}[${periodRange(target)}]`;
  return `sum_over_time(${series}) / count_over_time(${series})`;
}

/** The SLI stage: `slo:sli_error:ratio_rate<w>` for every alert window and the period. */
export function sliRecordings(target: Target): PlacedRule[] {
  const raw = target.sli.kind === 'rawRatio';
  const rules: PlacedRule[] = target.windows.map((window) => ({
    placement: target.options.split && isLongWindow(target, window) ? 'long' : 'sli',
    rule: { record: METRICS.sliErrorRatio(formatDuration(window)), expr: raw ? fromRawQuery(target, window) : fromEvents(target, window), labels: windowLabels(target, window) },
  }));
  rules.push({
    placement: target.options.split ? 'long' : 'sli',
    rule: {
      record: METRICS.sliErrorRatio(formatDuration(target.period)),
      expr: raw ? rawPeriod(target) : fromEvents(target, target.period),
      labels: windowLabels(target, target.period),
    },
  });
  return rules;
}
