import type { Hono } from 'hono';
import type { Registry } from 'prom-client';
import type { BackfillAdmin, Component, ExclusionAdmin, HistoryReader, Journal, StatusReader } from '../core/index.js';
import { backfillRoutes } from './backfill.js';
import { exclusionRoutes } from './exclusions.js';
import { groupRoutes } from './groups.js';
import { historyRoutes } from './history.js';
import { journalRoutes } from './journal-routes.js';
import { operationsRoutes } from './operations.js';
import type { Operations } from './operations.js';
import { queryRoutes } from './query.js';
import { readRoutes } from './read.js';
import { registerSloMetrics } from './slo-metrics.js';
import { specRoutes } from './spec-routes.js';
import type { SpecExcerpt } from './spec-routes.js';
import { uiRoutes } from './ui-routes.js';

export interface ApiComponentOptions {
  /** The engine's read ports. */
  readonly engine: { readonly statuses: StatusReader; readonly history: HistoryReader; readonly exclusions: ExclusionAdmin; readonly backfill?: BackfillAdmin };
  readonly journal: Journal;
  readonly clock: () => number;
  /** The /metrics registry: every SLO's `slo:*` figures are added to it. */
  readonly registry: Registry;
  /** GET /metrics and POST /-/reload. */
  readonly operations: Operations;
  /** The spec text behind an SLO, for its page in the UI. */
  readonly specExcerpt: (name: string) => SpecExcerpt | undefined;
  /** ui/dist, built by `npm run build`. */
  readonly uiRoot: string;
}

/**
 * The HTTP API as one part of the daemon: operations, status, history, query, exclusions, the journal, spec excerpts
 * and the web UI. It reads the engine's ports on every request and holds no state of its own, so it needs nothing
 * after an evaluation or on a spec change.
 */
export function createApi(options: ApiComponentOptions): Component<Hono> {
  const { engine, clock } = options;
  registerSloMetrics(options.registry, engine.statuses);
  return {
    name: 'api',
    routes: [
      operationsRoutes(options.operations),
      journalRoutes(options.journal),
      readRoutes(engine.statuses),
      historyRoutes(engine.history, clock, engine.statuses),
      groupRoutes(engine.statuses),
      queryRoutes(engine.statuses, clock),
      exclusionRoutes(engine.exclusions, clock),
      ...(engine.backfill ? [backfillRoutes(engine.backfill, clock)] : []),
      specRoutes(options.specExcerpt),
      uiRoutes(options.uiRoot),
    ],
  };
}
