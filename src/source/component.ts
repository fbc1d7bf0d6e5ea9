import type { Component, RemoteSeries } from '../core/index.js';
import { SourceRemoteSeries } from './remote-series.js';
import type { RemoteSeriesOptions } from './remote-series.js';
import type { SourceEntry } from './remote-counts.js';

export interface SourcesComponent extends Component<never> {
  /** What the engine pulls remote SLIs (and backfills) through; undefined when no source is configured. */
  readonly remote: RemoteSeries | undefined;
}

/**
 * The configured Prometheus-compatible query APIs (`sources:`) as one part of the daemon. It has no routes and no
 * lifecycle of its own: its clients hold no connection between queries, and the engine paces what it asks.
 */
export function createSources(sources: readonly SourceEntry[], options: RemoteSeriesOptions = {}): SourcesComponent {
  return { name: 'sources', remote: sources.length === 0 ? undefined : new SourceRemoteSeries(sources, options) };
}
