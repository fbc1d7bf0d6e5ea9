import { DashboardBuilder, RowBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import { BigValueColorMode, BigValueGraphMode, ReduceDataOptionsBuilder, GraphThresholdsStyleConfigBuilder, GraphThresholdsStyleMode } from '@grafana/grafana-foundation-sdk/common';
import { PanelBuilder as BarGaugePanel } from '@grafana/grafana-foundation-sdk/bargauge';
import { PanelBuilder as StatPanel } from '@grafana/grafana-foundation-sdk/stat';
import { PanelBuilder as TablePanel } from '@grafana/grafana-foundation-sdk/table';
import { PanelBuilder as TextPanel, TextMode } from '@grafana/grafana-foundation-sdk/text';
import { PanelBuilder as TimeseriesPanel } from '@grafana/grafana-foundation-sdk/timeseries';
import { METRICS, formatDuration, windowLabel } from '../../core/index.js';
import type { Slo } from '../../core/index.js';
import { number } from '../rules/promql.js';
import type { Target } from '../rules/target.js';
import { groupTable, groupVariables, groupedBurnRate, groupedFigures, targetSelector } from './groups.js';
import { DATASOURCE, datasourceVariable, instantQuery, instantSeries, rangeQuery, sloeDashboards, thresholds } from './panels.js';
import type { DashboardQueries } from './queries.js';

function percent(ratio: number): string {
  return `${number(ratio * 100)}%`;
}

function stat(title: string, expr: string, unit: string, steps: readonly (readonly [number, string])[], base: string): StatPanel {
  return new StatPanel()
    .title(title)
    .datasource(DATASOURCE)
    .withTarget(instantQuery(expr, 'A'))
    .unit(unit)
    .decimals(unit === 'percentunit' ? 3 : 2)
    .colorMode(BigValueColorMode.Value)
    .graphMode(BigValueGraphMode.None)
    .reduceOptions(new ReduceDataOptionsBuilder().calcs(['lastNotNull']))
    .thresholds(thresholds(base, steps))
    .height(5)
    .span(6);
}

/** Markdown for the on-call engineer: what the SLO is, where the runbook is, its tiers, exclusions and maintenance. */
export function detailMarkdown(target: Target): string {
  const { slo, objective } = target;
  const lines = [`**${slo.displayName ?? target.name}**: ${percent(objective.target)} over ${windowLabel(slo.window)} (${slo.budgetingMethod}), ${target.sli.kind} SLI.`];
  if (slo.description !== undefined) lines.push('', slo.description);
  const links = [
    ...(slo.alerting.runbookUrl === undefined ? [] : [`[Runbook](${slo.alerting.runbookUrl})`]),
    ...(slo.alerting.dashboardUrl === undefined ? [] : [`[Dashboard](${slo.alerting.dashboardUrl})`]),
  ];
  if (links.length > 0) lines.push('', links.join(' · '));
  lines.push('', '| alert tier | severity | long / short window | burn rate above | for |', '| --- | --- | --- | --- | --- |');
  for (const tier of slo.alerting.tiers) {
    const state = tier.disabled ? ' (disabled)' : '';
    lines.push(`| ${tier.name}${state} | ${tier.severity} | ${formatDuration(tier.longWindow)} / ${formatDuration(tier.shortWindow)} | ${number(tier.burnRateThreshold)} | ${formatDuration(tier.for)} |`);
  }
  if (slo.exclusions.length > 0 || slo.maintenance.length > 0) {
    lines.push('', 'Not counted against the budget:');
    for (const exclusion of slo.exclusions) lines.push(`- ${new Date(exclusion.start).toISOString()} to ${new Date(exclusion.end).toISOString()}: ${exclusion.reason}`);
    for (const window of slo.maintenance) lines.push(`- \`${window.schedule}\` (${window.timeZone}) for ${formatDuration(window.duration)}: ${window.reason}`);
  }
  return lines.join('\n');
}

/**
 * The burn rate now over every window of the SLO's period, one query per window so the bars read shortest first: the
 * windows and figures of `burnRates` in `GET /api/v1/slos/{name}`, whichever tiers are enabled.
 */
export function burnRateBars(target: Target, selector: string): BarGaugePanel {
  const windows = target.windows.map(formatDuration);
  const expression = (window: string): string =>
    target.groupBy.length > 0 ? groupedBurnRate(target, selector, window) : `${METRICS.burnRate}${selector.slice(0, -1)}, ${target.keys.window}="${window}"}`;
  const highest = Math.max(...target.tiers.map((tier) => tier.burnRateThreshold), 1);
  return new BarGaugePanel()
    .title('Burn rate now, every window of the period')
    .description(`Bad events over each window divided by the ${percent(target.errorBudget)} budget: 1 spends the budget exactly over the period.${target.groupBy.length > 0 ? ' The selected groups together.' : ''}`)
    .datasource(DATASOURCE)
    .targets(windows.map((window, index) => instantSeries(expression(window), window, `W${index}`)))
    .min(0)
    .decimals(2)
    .thresholds(thresholds('green', [[1, 'orange'], [highest, 'red']]))
    .height(5)
    .span(24);
}

function sloRow(dashboard: DashboardBuilder, target: Target, queries: DashboardQueries): void {
  const one = targetSelector(target, queries);
  const base = formatDuration(target.baseWindow);
  const budgetSteps: [number, string][] = [[0, 'orange'], [0.25, 'green']];
  const grouped = target.groupBy.length > 0;
  const figures = grouped
    ? groupedFigures(target, one)
    : { sli: `${METRICS.periodSli}${one}`, budgetRemaining: `${METRICS.periodErrorBudgetRemaining}${one}`, burnRate: `${METRICS.currentBurnRate}${one}` };
  const legend = (text: string): string => (grouped ? `${target.groupBy.map((label) => `{{${label}}}`).join(' ')} ${text}`.trim() : text);
  const groupsNote = grouped ? ' (selected groups)' : '';
  dashboard
    .withRow(new RowBuilder(`${target.slo.displayName ?? target.name}: ${percent(target.objective.target)} over ${windowLabel(target.slo.window)}${grouped ? `, per ${target.groupBy.join(', ')}` : ''}`))
    .withPanel(stat(`SLI over the period${groupsNote}`, figures.sli, 'percentunit', [[target.objective.target, 'green']], 'red'))
    .withPanel(stat(`Error budget remaining${groupsNote}`, figures.budgetRemaining, 'percentunit', budgetSteps, 'red'))
    .withPanel(stat(`Burn rate (${base})${groupsNote}`, figures.burnRate, 'none', [[1, 'orange'], [Math.max(...target.tiers.map((tier) => tier.burnRateThreshold), 1), 'red']], 'green'))
    .withPanel(
      new TextPanel()
        .title('About this SLO')
        .mode(TextMode.Markdown)
        .content(detailMarkdown(target))
        .height(5)
        .span(6),
    );
  if (grouped) dashboard.withPanel(groupTable(target, one));
  dashboard
    .withPanel(burnRateBars(target, one))
    .withPanel(
      new TimeseriesPanel()
        .title('Error budget remaining over the period')
        .datasource(DATASOURCE)
        .withTarget(rangeQuery(`${METRICS.periodErrorBudgetRemaining}${one}`, legend('budget remaining')))
        .unit('percentunit')
        .thresholds(thresholds('red', budgetSteps))
        .thresholdsStyle(new GraphThresholdsStyleConfigBuilder().mode(GraphThresholdsStyleMode.LineAndArea))
        .height(8)
        .span(12),
    )
    .withPanel(
      new TimeseriesPanel()
        .title('SLI')
        .datasource(DATASOURCE)
        .targets([
          rangeQuery(`1 - ${METRICS.sliErrorRatio(base)}${one}`, legend(`SLI over ${base}`), 'A'),
          rangeQuery(`${METRICS.periodSli}${one}`, legend(`SLI over ${formatDuration(target.period)}`), 'B'),
        ])
        .unit('percentunit')
        .thresholds(thresholds('red', [[target.objective.target, 'green']]))
        .thresholdsStyle(new GraphThresholdsStyleConfigBuilder().mode(GraphThresholdsStyleMode.Dashed))
        .height(8)
        .span(12),
    )
    .withPanel(
      new TimeseriesPanel()
        .title('Burn rate per window, against the alert thresholds')
        .description(target.tiers.map((tier) => `${tier.name}: ${formatDuration(tier.longWindow)} and ${formatDuration(tier.shortWindow)} above ${number(tier.burnRateThreshold)}`).join('; '))
        .datasource(DATASOURCE)
        .withTarget(rangeQuery(`${METRICS.burnRate}${one}`, legend(`{{${queries.keys.window}}}`)))
        .thresholds(thresholds('green', [...new Set(target.tiers.map((tier) => tier.burnRateThreshold))].sort((a, b) => a - b).map((value, index, all) => [value, index === all.length - 1 ? 'red' : 'orange'] as const)))
        .thresholdsStyle(new GraphThresholdsStyleConfigBuilder().mode(GraphThresholdsStyleMode.Dashed))
        .height(8)
        .span(12),
    );
  if (target.sli.kind !== 'rawRatio') {
    const seconds = target.baseWindow / 1000;
    dashboard.withPanel(
      new TimeseriesPanel()
        .title('Good and total events per second')
        .datasource(DATASOURCE)
        .targets([
          rangeQuery(`${METRICS.eventsGood(base)}${one} / ${seconds}`, legend('good'), 'A'),
          rangeQuery(`${METRICS.eventsTotal(base)}${one} / ${seconds}`, legend('total'), 'B'),
        ])
        .unit('reqps')
        .height(8)
        .span(12),
    );
  }
  dashboard.withPanel(
    new TablePanel()
      .title('Firing alerts')
      .datasource(DATASOURCE)
      .withTarget(instantQuery(queries.firing(one), 'A'))
      .withTransformation({ id: 'organize', options: { excludeByName: { Time: true, Value: true, __name__: true } } })
      .noValue('No alert firing')
      .height(8)
      .span(target.sli.kind === 'rawRatio' ? 24 : 12),
  );
}

/** The on-call view of one service: for each SLO, budget, SLI, burn against thresholds, events, alerts, runbooks. */
export function serviceDashboard(service: string, uid: string, targets: readonly Target[], queries: DashboardQueries, slos: readonly Slo[]): Record<string, unknown> {
  const dashboard = new DashboardBuilder(`SLOs: ${service}`)
    .uid(uid)
    .description(`SLOs of ${service} (${slos.map((slo) => slo.name).join(', ')}). Made by \`sloe generate\`.`)
    .tags(['sloe', 'slo', `service:${service}`])
    .time({ from: 'now-2d', to: 'now' })
    .refresh('1m')
    .readonly()
    .link(sloeDashboards())
    .withVariable(datasourceVariable());
  for (const variable of groupVariables(service, targets, queries)) dashboard.withVariable(variable);
  for (const target of targets) sloRow(dashboard, target, queries);
  return dashboard.build() as unknown as Record<string, unknown>;
}
