import { fileURLToPath } from 'node:url';
import type { Hono } from 'hono';
import type { Logger } from 'pino';
import { createApi } from '../api/index.js';
import type { Component, SampleAppender } from '../core/index.js';
import type { SloeConfig } from '../config/index.js';
import { DEFAULT_PULL_SETTINGS, createEngineComponent } from '../engine/index.js';
import type { EngineComponent } from '../engine/index.js';
import { createIngestComponent, selfScrapeJob } from '../ingest/index.js';
import { buildReceivers, createNotifications, leaseFor } from '../notify/index.js';
import { createPolicy } from '../policy/index.js';
import { createMcp } from '../mcp/index.js';
import { createProvisioning } from '../provision/index.js';
import { createReviews } from '../review/index.js';
import { createSources } from '../source/index.js';
import type { SloeStore } from '../store/index.js';
import { createTelemetry, instrumentAppender, instrumentJournal } from '../telemetry/index.js';
import type { SelfMetrics, Tracing } from '../telemetry/index.js';
import type { SpecsReloader } from './reload.js';
import { specExcerpts } from './spec-source.js';

/** ui/dist, beside dist/ (compiled) and src/ (tests): both are two levels below the package root. */
const UI_ROOT = fileURLToPath(new URL('../../ui/dist', import.meta.url));

export interface CompositionInput {
  readonly config: SloeConfig;
  readonly specs: SpecsReloader;
  readonly store: SloeStore;
  readonly metrics: SelfMetrics;
  readonly tracing: Tracing;
  readonly clock: () => number;
  readonly logger: Logger;
}

export interface Composition {
  /** Every part, in start order; they stop in reverse. */
  readonly parts: readonly Component<Hono>[];
  readonly engine: EngineComponent;
  /** The engine's appender as ingest uses it (counted). */
  readonly appender: SampleAppender;
}

/**
 * The daemon's parts, wired as ARCHITECTURE.md draws the data flow: spec → engine ← ingest, sources;
 * engine → notify, policy, api, /metrics; generate → provision. Adapters reach each other only through the ports
 * handed in here.
 */
export function compose({ config, specs, store, metrics, tracing, clock, logger }: CompositionInput): Composition {
  const initial = specs.current();
  const journal = instrumentJournal(store.journal, metrics);
  const publicUrl = (config.publicUrl ?? `http://${config.listen}`).replace(/\/+$/, '');
  const telemetry = createTelemetry({ metrics, tracing });

  // spec → engine ← sources, ingest
  const sources = createSources(config.sources);
  const engine = createEngineComponent({
    specs: initial,
    store,
    clock,
    evaluationIntervalMs: config.evaluationIntervalMs,
    seriesLimitPerTerm: config.limits.seriesPerTerm,
    ...(sources.remote === undefined ? {} : { remote: sources.remote }),
    pullSettings: { ...DEFAULT_PULL_SETTINGS, chunkMs: config.pull.chunkMs, queriesPerSecond: config.pull.queriesPerSecond, delayMs: config.pull.delayMs },
    logger: logger.child({ component: 'engine' }),
    observe: (report, now) => telemetry.observeEvaluation(report, now),
  });
  const appender = instrumentAppender(engine.ports.appender, metrics);
  const { seriesPerTerm: _engineLimit, ...ingestLimits } = config.limits;
  const selfScrape = config.selfScrape.enabled ? selfScrapeJob({ listen: config.listen, intervalMs: config.selfScrape.intervalMs, ...(config.auth.readToken === undefined ? {} : { readToken: config.auth.readToken }) }) : undefined;
  const jobs = selfScrape === undefined ? config.scrape : [...config.scrape, selfScrape];
  const ingest = createIngestComponent({ appender, specs: initial, jobs, limits: ingestLimits, registry: metrics.registry, clock, logger });

  // engine → notify, policy, api, /metrics
  const notify = createNotifications({
    notifiers: buildReceivers(config.notifiers, { leaseMs: leaseFor(config.notifiers.resendIntervalMs, config.evaluationIntervalMs) }),
    routes: config.notifiers.routes,
    store: store.documents,
    journal,
    registry: metrics.registry,
    specs: initial,
    publicUrl,
    resendIntervalMs: config.notifiers.resendIntervalMs,
    evaluationIntervalMs: config.evaluationIntervalMs,
    queueCapacity: config.notifiers.queueSize,
    logger,
  });
  const policy = createPolicy({
    statuses: engine.ports.statuses,
    policies: initial.policies,
    slos: initial.slos,
    journal,
    documents: store.documents,
    webhooks: config.events.webhooks,
    source: publicUrl,
    now: clock,
    logger: logger.child({ component: 'policy' }),
    registry: metrics.registry,
    transaction: (work) => store.transaction(work),
  });
  const api = createApi({
    engine: engine.ports,
    journal,
    clock,
    registry: metrics.registry,
    operations: { metrics: async () => ({ contentType: metrics.registry.contentType, body: await metrics.registry.metrics() }), reload: (trigger) => specs.reload(trigger) },
    specExcerpt: specExcerpts(() => specs.current()),
    uiRoot: UI_ROOT,
  });

  // engine, notify, policy → reviews: incidents, postmortems (after notify, so an evaluation's pages are journalled)
  const reviews = createReviews({
    incidents: store.incidents,
    journal,
    documents: store.documents,
    transaction: (work) => store.transaction(work),
    registry: metrics.registry,
    clock,
    postmortemThreshold: config.postmortemThreshold,
    postmortemReceivers: config.postmortems,
    engine: { statuses: engine.ports.statuses, history: engine.ports.history, events: engine.ports.events },
    reports: config.reports,
    publicUrl,
    logger: logger.child({ component: 'reviews' }),
  });

  // engine, policy → MCP: the same reads as the API, for agents; a gate check there is not recorded
  const mcp = createMcp({
    statuses: engine.ports.statuses,
    history: engine.ports.history,
    checkGate: (service, environment) => policy.gates.evaluate({ service, admin: false, ...(environment === undefined ? {} : { environment }) }),
    clock,
    version: process.env.npm_package_version ?? 'dev',
  });

  // generate → provision
  const provisioning = createProvisioning({ config: config.provisioning, specs: initial, logger: logger.child({ component: 'provision' }) });

  // Start order; stop is the reverse. The store closes after everything that writes to it, and the trace exporter
  // after that. Receivers of evaluations start before the engine and stop after it, so its last evaluation is
  // delivered and saved; ingest (scrapes) stops first, so nothing is appended once the engine has stopped.
  const closeStore: Component<never> = { name: 'store', stop: () => Promise.resolve(store.close()) };
  const parts = [telemetry, closeStore, sources, notify, policy, reviews, mcp, api, provisioning, engine, ingest];
  engine.emitTo(parts);
  return { parts, engine, appender };
}
