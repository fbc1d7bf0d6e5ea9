import { DashboardBuilder, QueryVariableBuilder, RowBuilder, VariableRefresh, VariableSort } from '@grafana/grafana-foundation-sdk/dashboard';
import { PanelBuilder as StatPanel } from '@grafana/grafana-foundation-sdk/stat';
import { PanelBuilder as TablePanel } from '@grafana/grafana-foundation-sdk/table';
import { PanelBuilder as TimeseriesPanel } from '@grafana/grafana-foundation-sdk/timeseries';
import { BigValueColorMode, BigValueGraphMode, ReduceDataOptionsBuilder } from '@grafana/grafana-foundation-sdk/common';
import { METRICS } from '../../core/index.js';
import { DATASOURCE, datasourceVariable, instantQuery, rangeQuery, sloeDashboards, thresholds } from './panels.js';
import type { DashboardQueries } from './queries.js';

export const OVERVIEW_UID = 'sloe-overview';

function stat(title: string, expr: string, unit: string, steps: readonly (readonly [number, string])[], base = 'green'): StatPanel {
  return new StatPanel()
    .title(title)
    .datasource(DATASOURCE)
    .withTarget(instantQuery(expr, 'A'))
    .unit(unit)
    .colorMode(BigValueColorMode.Background)
    .graphMode(BigValueGraphMode.None)
    .reduceOptions(new ReduceDataOptionsBuilder().calcs(['lastNotNull']))
    .thresholds(thresholds(base, steps))
    .height(4)
    .span(6);
}

/** The executive view: every SLO with objective, SLI, budget remaining, burn and alert state, filtered by service. */
export function overviewDashboard(queries: DashboardQueries): Record<string, unknown> {
  const { keys } = queries;
  const all = queries.selector('$service');
  const serviceVariable = new QueryVariableBuilder('service')
    .label('Service')
    .datasource(DATASOURCE)
    .query(`label_values(${METRICS.objective}, ${keys.service})`)
    .refresh(VariableRefresh.OnTimeRangeChanged)
    .sort(VariableSort.AlphabeticalAsc)
    .multi(true)
    .includeAll(true)
    .allValue('.*');
  const table = new TablePanel()
    .title('Every SLO')
    .description('Objective, SLI and error budget over each SLO\'s period, burn rates now and over the period, and alerts firing. For an SLO split into groups, its worst group.')
    .datasource(DATASOURCE)
    .targets([
      instantQuery(queries.perSlo(METRICS.objective, all), 'A'),
      instantQuery(queries.perSlo(METRICS.periodSli, all, 'min'), 'B'),
      instantQuery(queries.perSlo(METRICS.periodErrorBudgetRemaining, all, 'min'), 'C'),
      instantQuery(queries.perSlo(METRICS.currentBurnRate, all), 'D'),
      instantQuery(queries.perSlo(METRICS.periodBurnRate, all), 'E'),
      instantQuery(`count by (${keys.service}, ${keys.slo}) ${queries.firing(all)}`, 'F'),
    ])
    .withTransformation({ id: 'merge', options: {} })
    .withTransformation({
      id: 'organize',
      options: {
        excludeByName: { Time: true },
        renameByName: { [keys.service]: 'Service', [keys.slo]: 'SLO', 'Value #A': 'Objective', 'Value #B': 'SLI', 'Value #C': 'Budget remaining', 'Value #D': 'Burn rate (now)', 'Value #E': 'Burn rate (period)', 'Value #F': 'Alerts firing' },
      },
    })
    .overrideByName('Objective', [{ id: 'unit', value: 'percentunit' }, { id: 'decimals', value: 3 }])
    .overrideByName('SLI', [{ id: 'unit', value: 'percentunit' }, { id: 'decimals', value: 3 }])
    .overrideByName('Budget remaining', [
      { id: 'unit', value: 'percentunit' },
      { id: 'custom.cellOptions', value: { type: 'color-background' } },
      { id: 'thresholds', value: thresholds('red', [[0, 'orange'], [0.25, 'green']]).build() },
    ])
    .overrideByName('Burn rate (now)', [{ id: 'decimals', value: 2 }])
    .overrideByName('Burn rate (period)', [{ id: 'decimals', value: 2 }])
    .height(12)
    .span(24);
  const dashboard = new DashboardBuilder('SLOs: overview')
    .uid(OVERVIEW_UID)
    .description('Every SLO sloe manages: objective, SLI and error budget over its period, burn rates and alerts. Made by `sloe generate`.')
    .tags(['sloe', 'slo'])
    .time({ from: 'now-7d', to: 'now' })
    .refresh('1m')
    .readonly()
    .link(sloeDashboards())
    .withVariable(datasourceVariable())
    .withVariable(serviceVariable)
    .withRow(new RowBuilder('Now'))
    .withPanel(stat('SLOs', `count(${METRICS.objective}${all})`, 'none', [], 'blue'))
    .withPanel(stat('Budget exhausted', `count(${METRICS.periodErrorBudgetRemaining}${all} <= 0) or vector(0)`, 'none', [[1, 'red']]))
    .withPanel(stat('Page alerts firing', `count(count by (${keys.service}, ${keys.slo}) ${queries.firing(all, 'page')}) or vector(0)`, 'none', [[1, 'red']]))
    .withPanel(stat('Ticket alerts firing', `count(count by (${keys.service}, ${keys.slo}) ${queries.firing(all, 'ticket')}) or vector(0)`, 'none', [[1, 'orange']]))
    .withPanel(table)
    .withRow(new RowBuilder('Over time'))
    .withPanel(
      new TimeseriesPanel()
        .title('Error budget remaining')
        .datasource(DATASOURCE)
        .withTarget(rangeQuery(`${METRICS.periodErrorBudgetRemaining}${all}`, queries.legend()))
        .unit('percentunit')
        .height(9)
        .span(12),
    )
    .withPanel(
      new TimeseriesPanel()
        .title('Burn rate (shortest alert window)')
        .datasource(DATASOURCE)
        .withTarget(rangeQuery(`${METRICS.currentBurnRate}${all}`, queries.legend()))
        .height(9)
        .span(12),
    );
  return dashboard.build() as unknown as Record<string, unknown>;
}
