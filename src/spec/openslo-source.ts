import type { Node } from 'yaml';
import { readMap, type Fields } from './fields.js';
import { readDescription, readObjectName, readOpenSloLabels } from './openslo-rules.js';
import type { SpecObject } from './parse.js';

/**
 * The `metricSource.type`s sloe evaluates: they all answer PromQL over the Prometheus query API. Compared without
 * case, as the specification's examples spell them both ways.
 */
export const PROMETHEUS_COMPATIBLE = ['Prometheus', 'Thanos', 'Mimir', 'Cortex', 'VictoriaMetrics'] as const;

export function isPrometheusCompatible(type: string): boolean {
  return PROMETHEUS_COMPATIBLE.some((known) => known.toLowerCase() === type.toLowerCase());
}

/** The problem for a source sloe cannot read: names the type and what sloe reads instead. */
export function unsupportedSourceMessage(path: string, type: string, dataSource?: string): string {
  const via = dataSource === undefined ? '' : ` (from DataSource '${dataSource}')`;
  return `'${path}': sloe reads Prometheus-compatible sources (${PROMETHEUS_COMPATIBLE.join(', ')}); type '${type}'${via} is not one. ` +
    'Point the SLI at a Prometheus-compatible copy of the metric, or name a DataSource that is configured under `sources:`';
}

/** A DataSource as SLIs refer to it. */
export interface DataSourceDef {
  readonly name: string;
  readonly type: string;
  readonly typeNode: Node;
}

/** A `DataSource` object; parsed once however many SLIs refer to it. */
export function readDataSource(object: SpecObject): DataSourceDef | undefined {
  const root = readMap(object.ctx, object.node, object.path, ['apiVersion', 'kind', 'metadata', 'spec']);
  if (root === undefined) return undefined;
  const metadata: Fields | undefined = root.map('metadata', ['name', 'displayName', 'labels', 'annotations'], true);
  const name = metadata === undefined ? undefined : readObjectName(metadata);
  metadata?.string('displayName');
  readOpenSloLabels(metadata);
  metadata?.labels('annotations');
  const spec = root.map('spec', ['description', 'type', 'connectionDetails'], true);
  readDescription(spec);
  const type = spec?.string('type', true);
  if (spec === undefined || name === undefined || type === undefined) return undefined;
  return { name, type, typeNode: spec.at('type') };
}
