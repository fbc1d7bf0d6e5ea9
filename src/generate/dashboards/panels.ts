import { ThresholdsConfigBuilder, ThresholdsMode } from '@grafana/grafana-foundation-sdk/dashboard';
import type { Threshold } from '@grafana/grafana-foundation-sdk/dashboard';
import { DashboardLinkBuilder, DashboardLinkType, DatasourceVariableBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import { DataqueryBuilder, PromQueryFormat } from '@grafana/grafana-foundation-sdk/prometheus';
import type { DataSourceRef } from '@grafana/grafana-foundation-sdk/common';

/** Every panel reads the data source the user picks in the `datasource` variable. */
export const DATASOURCE: DataSourceRef = { type: 'prometheus', uid: '${datasource}' };

export function datasourceVariable(): DatasourceVariableBuilder {
  return new DatasourceVariableBuilder('datasource').label('Data source').type('prometheus');
}

/** A range query with a legend. */
export function rangeQuery(expr: string, legend: string, refId = 'A'): DataqueryBuilder {
  return new DataqueryBuilder().datasource(DATASOURCE).expr(expr).legendFormat(legend).range().refId(refId);
}

/** An instant query as a table (for tables and stats of the latest value). */
export function instantQuery(expr: string, refId: string): DataqueryBuilder {
  return new DataqueryBuilder().datasource(DATASOURCE).expr(expr).instant().format(PromQueryFormat.Table).refId(refId);
}

/** An instant query as one named series (bar gauges and stats that show several windows side by side). */
export function instantSeries(expr: string, legend: string, refId: string): DataqueryBuilder {
  return new DataqueryBuilder().datasource(DATASOURCE).expr(expr).instant().legendFormat(legend).refId(refId);
}

/** Colour steps: `base` below the first value, then each `[value, colour]`. */
export function thresholds(base: string, steps: readonly (readonly [number, string])[] = []): ThresholdsConfigBuilder {
  const all: Threshold[] = [{ value: null, color: base }, ...steps.map(([value, color]) => ({ value, color }))];
  return new ThresholdsConfigBuilder().mode(ThresholdsMode.Absolute).steps(all);
}

/** A drop-down of every dashboard sloe generated (they share the `sloe` tag), keeping the time range and variables. */
export function sloeDashboards(): DashboardLinkBuilder {
  return new DashboardLinkBuilder('SLO dashboards').type(DashboardLinkType.Dashboards).tags(['sloe']).asDropdown(true).includeVars(true).keepTime(true);
}
