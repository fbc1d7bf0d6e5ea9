import { QueryVariableBuilder, VariableRefresh, VariableSort } from '@grafana/grafana-foundation-sdk/dashboard';
import { PanelBuilder as TablePanel } from '@grafana/grafana-foundation-sdk/table';
import { TableSortByFieldStateBuilder } from '@grafana/grafana-foundation-sdk/common';
import { METRICS, formatDuration } from '../../core/index.js';
import { number } from '../rules/promql.js';
import type { Target } from '../rules/target.js';
import { DATASOURCE, instantQuery, thresholds } from './panels.js';
import type { DashboardQueries } from './queries.js';

/**
 * Grouped SLOs (`spec.groupBy`) on a service dashboard: one drop-down per group label, a selector that every panel of
 * the SLO filters by, figures of the selected groups together (from their summed event counts, as the API's SLO entry
 * is the aggregate of its groups), and a table of the groups, the least budget first.
 */

/** `{slo_service="checkout", slo_name="x", route=~"$route"}`: the SLO's series, narrowed to the chosen groups. */
export function targetSelector(target: Target, queries: DashboardQueries): string {
  const one = queries.selector(target.slo.service, target.sloLabel);
  if (target.groupBy.length === 0) return one;
  return `${one.slice(0, -1)}, ${target.groupBy.map((label) => `${label}=~"$${label}"`).join(', ')}}`;
}

/** One multi-value drop-down per group label of the service's grouped SLOs, listing the values their series carry. */
export function groupVariables(service: string, targets: readonly Target[], queries: DashboardQueries): QueryVariableBuilder[] {
  const labels = [...new Set(targets.flatMap((target) => target.groupBy))].sort();
  const serviceSelector = queries.selector(service);
  return labels.map((label) => {
    const query = `label_values(${METRICS.periodErrorBudgetRemaining}${serviceSelector}, ${label})`;
    return new QueryVariableBuilder(label)
      .label(label)
      .description(`Groups of the SLOs split by ${label}`)
      .datasource(DATASOURCE)
      .query(query)
      .definition(query)
      .refresh(VariableRefresh.OnTimeRangeChanged)
      .sort(VariableSort.AlphabeticalAsc)
      .multi(true)
      .includeAll(true)
      .allValue('.*');
  });
}

/** The error ratio of the selected groups together over one window: bad events over total events, summed. */
function aggregateErrorRatio(selector: string, window: string): string {
  return `(1 - sum(${METRICS.eventsGood(window)}${selector}) / sum(${METRICS.eventsTotal(window)}${selector}))`;
}

/**
 * The SLO's headline figures over the selected groups. Event-based SLIs sum the groups' events, which is the
 * aggregate the API reports; a raw-ratio SLI has no events to sum, so it shows its worst group.
 */
export function groupedFigures(target: Target, selector: string): { sli: string; budgetRemaining: string; burnRate: string } {
  const budget = number(target.errorBudget);
  const period = formatDuration(target.period);
  const base = formatDuration(target.baseWindow);
  if (target.sli.kind === 'rawRatio') {
    return {
      sli: `min(${METRICS.periodSli}${selector})`,
      budgetRemaining: `min(${METRICS.periodErrorBudgetRemaining}${selector})`,
      burnRate: `max(${METRICS.currentBurnRate}${selector})`,
    };
  }
  return {
    sli: `1 - ${aggregateErrorRatio(selector, period)}`,
    budgetRemaining: `1 - ${aggregateErrorRatio(selector, period)} / ${budget}`,
    burnRate: `${aggregateErrorRatio(selector, base)} / ${budget}`,
  };
}

/** Burn rate of the selected groups together over one window, the figure `burnRates[window]` of the API. */
export function groupedBurnRate(target: Target, selector: string, window: string): string {
  if (target.sli.kind === 'rawRatio') return `max(${METRICS.burnRate}${selector.slice(0, -1)}, ${target.keys.window}="${window}"})`;
  return `${aggregateErrorRatio(selector, window)} / ${number(target.errorBudget)}`;
}

/** Every group of the SLO with its budget remaining, SLI over the period and burn rate now, the least budget first. */
export function groupTable(target: Target, selector: string): TablePanel {
  const labelsShown = Object.fromEntries(target.groupBy.map((label) => [label, false]));
  const hidden = Object.fromEntries([...Object.keys(target.labels), target.keys.window, '__name__', 'Time'].filter((key) => !(key in labelsShown)).map((key) => [key, true]));
  const base = formatDuration(target.baseWindow);
  return new TablePanel()
    .title(`Groups by error budget remaining (${target.groupBy.join(', ')})`)
    .description(`Each value of ${target.groupBy.join(', ')} has its own budget and alerts; the group with the least budget left comes first.`)
    .datasource(DATASOURCE)
    .targets([
      instantQuery(`sort(${METRICS.periodErrorBudgetRemaining}${selector})`, 'A'),
      instantQuery(`${METRICS.periodSli}${selector}`, 'B'),
      instantQuery(`${METRICS.currentBurnRate}${selector}`, 'C'),
    ])
    .withTransformation({ id: 'merge', options: {} })
    .withTransformation({ id: 'organize', options: { excludeByName: hidden, renameByName: { 'Value #A': 'Budget remaining', 'Value #B': 'SLI', 'Value #C': `Burn rate (${base})` } } })
    .withTransformation({ id: 'sortBy', options: { sort: [{ field: 'Budget remaining', desc: false }] } })
    .sortBy([new TableSortByFieldStateBuilder().displayName('Budget remaining').desc(false)])
    .overrideByName('Budget remaining', [
      { id: 'unit', value: 'percentunit' },
      { id: 'custom.cellOptions', value: { type: 'color-background' } },
      { id: 'thresholds', value: thresholds('red', [[0, 'orange'], [0.25, 'green']]).build() },
    ])
    .overrideByName('SLI', [{ id: 'unit', value: 'percentunit' }, { id: 'decimals', value: 3 }])
    .overrideByName(`Burn rate (${base})`, [{ id: 'decimals', value: 2 }])
    .noValue('No group has data')
    .height(8)
    .span(24);
}
