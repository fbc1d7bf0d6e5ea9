import { hostname } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { Hono } from 'hono';
import type { Logger } from 'pino';
import { Counter } from 'prom-client';
import { createApi } from '../api/index.js';
import type { Component, SampleAppender } from '../core/index.js';
import type { SloeConfig } from '../config/index.js';
import { DEFAULT_PULL_SETTINGS, createEngineComponent } from '../engine/index.js';
import type { EngineComponent } from '../engine/index.js';
import { createIngestComponent, selfScrapeJob } from '../ingest/index.js';
import { ClaimedNotifier, buildReceivers, createNotifications, leaseFor, needsClaims } from '../notify/index.js';
import type { Notifier } from '../notify/index.js';
import { createPolicy } from '../policy/index.js';
import type { GateService } from '../policy/index.js';
import { createMcp } from '../mcp/index.js';
import { createProvisioning } from '../provision/index.js';
import { createReviews } from '../review/index.js';
import { createSources } from '../source/index.js';
import { DeliveryClaims } from '../store/index.js';
import type { SloeStore } from '../store/index.js';
import { createTelemetry, instrumentAppender, instrumentJournal, renderMetricsIncrementally } from '../telemetry/index.js';
import type { SelfMetrics, Tracing } from '../telemetry/index.js';
import { githubHook } from './github.js';
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
  /** The release gates, for the gate's fast path in front of the HTTP app (policy/gate-fast-path.ts). */
  readonly gates: GateService;
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
  const sources = createSources(config.sources, { groupSize: config.pull.groupSize });
  const engine = createEngineComponent({
    specs: initial,
    store,
    clock,
    evaluationIntervalMs: config.evaluationIntervalMs,
    seriesLimitPerTerm: config.limits.seriesPerTerm,
    ...(sources.remote === undefined ? {} : { remote: sources.remote }),
    pullSettings: { ...DEFAULT_PULL_SETTINGS, chunkMs: config.pull.chunkMs, queriesPerSecond: config.pull.queriesPerSecond, delayMs: config.pull.delayMs },
    logger: logger.child({ component: 'engine' }),
    observe: (cycle, now) => telemetry.observeEvaluation(cycle, now),
    observeFailure: () => telemetry.observeFailure(),
  });
  const appender = instrumentAppender(engine.ports.appender, metrics);
  const { seriesPerTerm: _engineLimit, ...ingestLimits } = config.limits;
  const selfScrape = config.selfScrape.enabled ? selfScrapeJob({ listen: config.listen, intervalMs: config.selfScrape.intervalMs, ...(config.auth.readToken === undefined ? {} : { readToken: config.auth.readToken }) }) : undefined;
  const jobs = selfScrape === undefined ? config.scrape : [...config.scrape, selfScrape];
  const ingest = createIngestComponent({ appender, specs: initial, jobs, limits: ingestLimits, registry: metrics.registry, clock, logger });

  // engine → notify, policy, api, /metrics
  const receivers = buildReceivers(config.notifiers, { leaseMs: leaseFor(config.notifiers.resendIntervalMs, config.evaluationIntervalMs) });
  const claims = replicaClaims(config, receivers, metrics, logger);
  const notify = createNotifications({
    notifiers: claims.notifiers,
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
  const github = githubHook(config.github, logger);
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
    onDecision: (decision) => metrics.recordDecision(decision),
    transaction: (work) => store.transaction(work),
    ...(github === undefined ? {} : { github }),
  });
  const api = createApi({
    engine: engine.ports,
    journal,
    clock,
    registry: metrics.registry,
    operations: { metrics: async () => ({ contentType: metrics.registry.contentType, body: await renderMetricsIncrementally(metrics.registry) }), reload: (trigger) => specs.reload(trigger) },
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

  // engine, policy, reviews → MCP: the same reads as the API, for agents; a gate check there is not recorded
  const mcp = createMcp({
    statuses: engine.ports.statuses,
    history: engine.ports.history,
    checkGate: (service, environment) => policy.gates.evaluate({ service, admin: false, ...(environment === undefined ? {} : { environment }) }),
    reviews: { report: (query) => reviews.reportFor(query), explainBudget: (query) => reviews.explainBudget(query) },
    clock,
    version: process.env.npm_package_version ?? 'dev',
  });

  // generate → provision
  const provisioning = createProvisioning({ config: config.provisioning, specs: initial, logger: logger.child({ component: 'provision' }) });

  // Start order; stop is the reverse. The store closes after everything that writes to it, and the trace exporter
  // after that. Receivers of evaluations start before the engine and stop after it, so its last evaluation is
  // delivered and saved; ingest (scrapes) stops first, so nothing is appended once the engine has stopped.
  const closeStore: Component<never> = { name: 'store', stop: () => Promise.resolve(store.close()) };
  const parts = [telemetry, closeStore, claims.part, sources, notify, policy, reviews, mcp, api, provisioning, engine, ingest];
  engine.emitTo(parts);
  return { parts, engine, appender, gates: policy.gates };
}

/**
 * Replicas fed the same stream (docs/operations.md "Replicas"): with `replicas.claimFile`, Slack and webhook receivers
 * send a change of state only when this replica claims it first in the shared file. Alertmanager merges the replicas'
 * alerts itself and PagerDuty merges them by dedup_key, so they are left as they are.
 */
function replicaClaims(config: SloeConfig, receivers: Notifier[], metrics: SelfMetrics, logger: Logger): { notifiers: Notifier[]; part: Component<never> } {
  const file = config.replicas.claimFile;
  if (file === undefined) return { notifiers: receivers, part: { name: 'replica-claims' } };
  const replica = config.replicas.id ?? hostname();
  const claims = new DeliveryClaims(file, { replica, windowMs: config.replicas.claimWindowMs });
  const skipped = new Counter({ name: 'sloe_notifications_claimed_elsewhere_total', help: 'Changes of state not sent because another replica claimed them first (replicas.claimFile), by receiver.', labelNames: ['receiver'], registers: [metrics.registry] });
  const log = logger.child({ component: 'notify' });
  log.info({ claimFile: file, replica }, 'replicas: Slack and webhook deliveries are claimed in the shared file, one replica sends each change');
  const notifiers = receivers.map((receiver) =>
    needsClaims(receiver)
      ? new ClaimedNotifier(receiver, claims, (notification) => {
          skipped.inc({ receiver: receiver.name });
          log.info({ receiver: receiver.name, incident: notification.incident, state: notification.state }, 'not sent: another replica claimed this change');
        })
      : receiver,
  );
  // Closed after notifications stop (parts stop in reverse), so their last deliveries can still claim.
  return { notifiers, part: { name: 'replica-claims', stop: () => Promise.resolve(claims.close()) } };
}
