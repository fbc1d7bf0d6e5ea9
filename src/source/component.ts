import type { Component, RemoteCounts } from '../core/index.js';
import { SourceRemoteCounts } from './remote-counts.js';
import type { SourceEntry } from './remote-counts.js';

export interface SourcesComponent extends Component<never> {
  /** What the engine asks remote SLIs' counts of; undefined when no source is configured. */
  readonly remote: RemoteCounts | undefined;
}

/**
 * The configured Prometheus-compatible query APIs (`sources:`) as one part of the daemon. It has no routes and no
 * lifecycle of its own today: its clients hold no connection between queries.
 */
export function createSources(sources: readonly SourceEntry[]): SourcesComponent {
  return { name: 'sources', remote: sources.length === 0 ? undefined : new SourceRemoteCounts(sources) };
}
