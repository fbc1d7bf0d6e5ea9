export { PrometheusClient } from './client.js';
export type { ClientOptions, SourceConfig, VectorSample } from './client.js';
export { SourceRemoteCounts } from './remote-counts.js';
export type { SourceEntry } from './remote-counts.js';
export { countQueries, eventsQuery, withBucket } from './promql.js';
export type { CountQueries } from './promql.js';
export { createSources } from './component.js';
export type { SourcesComponent } from './component.js';
