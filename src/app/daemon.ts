import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Hono } from 'hono';
import type { Logger } from 'pino';
import type { DestinationStream } from 'pino';
import { MAX_API_BODY_BYTES, createHttpApp, limitBodies, exclusionRoutes, historyRoutes, journalRoutes, operationsRoutes, queryRoutes, readRoutes, registerSloMetrics, specRoutes, startServer, uiRoutes } from '../api/index.js';
import type { RunningServer } from '../api/index.js';
import type { Problem, SampleAppender, SloStatus, SpecSet, StatusReader } from '../core/index.js';
import { DAY, SloeError, formatProblem, parseDuration } from '../core/index.js';
import { CONFIG_TABLE } from '../config/index.js';
import { Scraper, bucketBoundsOf, createIngest } from '../ingest/index.js';
import type { SloeConfig } from '../config/index.js';
import { Notifications, buildReceivers, leaseFor } from '../notify/index.js';
import { PolicyComponent } from '../policy/index.js';
import { configuredTargets, createProvisioner } from '../provision/index.js';
import { loadSpecs } from '../spec/index.js';
import { SourceRemoteCounts } from '../source/index.js';
import { openSqliteStore } from '../store/index.js';
import type { SloeStore } from '../store/index.js';
import { authorize, countRequests, createLogger, createSelfMetrics, instrumentAppender, instrumentJournal, recordSpan, startTracing, traceRequests } from '../telemetry/index.js';
import type { SelfMetrics, Tracing } from '../telemetry/index.js';
import { EngineRuntime } from './engine-runtime.js';
import { SpecsReloader } from './reload.js';
import type { ReloadOutcome } from './reload.js';
import { readSpecFiles } from './spec-files.js';
import { specExcerpts } from './spec-source.js';

export interface Daemon {
  readonly url: string;
  readonly logger: Logger;
  readonly metrics: SelfMetrics;
  readonly specs: SpecsReloader;
  /** The engine's appender as ingest uses it (counted); tests feed samples through it. */
  readonly appender: SampleAppender;
  /** Loads the specs again (SIGHUP and POST /-/reload); a bad set is refused and the running one stays. */
  reload(trigger: string): Promise<ReloadOutcome>;
  /** Graceful shutdown: stop accepting, finish in-flight requests, flush and stop components, close the store. */
  stop(): Promise<void>;
}

export interface DaemonOptions {
  /** Process environment (OTEL_* variables). Default process.env. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Where log lines go; stdout when absent. */
  readonly logDestination?: DestinationStream;
  /** Unix ms. Default Date.now. */
  readonly clock?: () => number;
}

/**
 * A running part of the daemon, stopped in reverse order of registration after the HTTP server has drained:
 * `flush` settles queued work (notifications, pending writes), `shutdown` releases resources (timers, the database).
 */
export interface Component {
  readonly name: string;
  flush?(timeoutMs: number): Promise<unknown>;
  shutdown?(timeoutMs: number): Promise<void> | void;
}

/** Reads and validates the configured spec paths; returns every problem instead of throwing. */
export function readSpecSet(config: Pick<SloeConfig, 'slos' | 'sources'> & Partial<Pick<SloeConfig, 'sloth'>>): { specs: SpecSet; problems: readonly Problem[] } {
  const files = readSpecFiles(config.slos);
  const period = config.sloth === undefined ? undefined : parseDuration(config.sloth.defaultSloPeriod);
  const result = loadSpecs(files.inputs, { remoteSources: config.sources.map((source) => source.name), ...(period === undefined ? {} : { defaultSloPeriod: period }) });
  return { specs: result.specs, problems: [...files.problems, ...result.problems] };
}

/** Reads and validates the configured spec paths; throws with every problem when the set is invalid. */
export function loadSpecSet(config: Pick<SloeConfig, 'slos' | 'sources'> & Partial<Pick<SloeConfig, 'sloth'>>): SpecSet {
  const { specs, problems } = readSpecSet(config);
  if (problems.length > 0) {
    throw new SloeError('specs_invalid', `invalid specs:\n${problems.map(formatProblem).join('\n')}`, { status: 400 });
  }
  return specs;
}

/** Log redaction for the configuration itself: every secret key, and headers that may carry credentials. */
function configRedactPaths(): string[] {
  const secrets = CONFIG_TABLE.filter((entry) => entry.secret === true).map((entry) => `config.${entry.key}`);
  return [...secrets, 'config.auth', 'config.sources[*].headers', 'config.notifiers.alertmanager[*].headers'];
}

/** ui/dist, beside dist/ (compiled) and src/ (tests): both are two levels below the package root. */
const UI_ROOT = fileURLToPath(new URL('../../ui/dist', import.meta.url));

/** The ingest endpoints: their bodies are bounded by ingest's own limits, compressed and inflated. */
const INGEST_PATHS: ReadonlySet<string> = new Set(['/api/v1/write', '/v1/metrics']);
/** Paths whose requests get a server span: ingest, gates and admission, and reloads. */
const TRACED_PATHS = [...INGEST_PATHS, '/api/v1/gates/*', '/api/v1/hooks/*', '/api/v1/admission', '/api/v1/admission/*', '/-/reload'];

function urlOf(server: RunningServer): string {
  const host = server.address.host.includes(':') ? `[${server.address.host}]` : server.address.host;
  return `http://${host}:${server.address.port}`;
}

/** Runs `work`, giving up (false) after `ms`. */
async function within(ms: number, work: Promise<unknown>): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([work.then(() => true), deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/** Builds the notifier from `notifiers.*`; the SLOs' alerting blocks (runbooks, dashboards) follow spec reloads. */
function startNotifications(config: SloeConfig, initial: SpecSet, specs: SpecsReloader, store: SloeStore, journal: SloeStore['journal'], metrics: SelfMetrics, logger: Logger): Notifications {
  const alertingOf = (set: SpecSet) => new Map(set.slos.map((slo) => [slo.name, slo.alerting]));
  let alerting = alertingOf(initial);
  specs.onChange((next) => {
    alerting = alertingOf(next);
  });
  const evaluationMs = parseDuration(config.evaluationInterval) ?? 30_000;
  const resendMs = parseDuration(config.notifiers.resendInterval) ?? 60_000;
  const notifications = new Notifications({
    notifiers: buildReceivers(config.notifiers, { leaseMs: leaseFor(resendMs, evaluationMs) }),
    routes: config.notifiers.routes,
    store: store.documents,
    journal,
    registry: metrics.registry,
    alerting: (slo) => alerting.get(slo),
    publicUrl: (config.publicUrl ?? `http://${config.listen}`).replace(/\/+$/, ''),
    resendIntervalMs: resendMs,
    evaluationIntervalMs: evaluationMs,
    queueCapacity: config.notifiers.queueSize,
    logger,
  });
  notifications.start();
  return notifications;
}

/** The composition root: builds every component from the configuration and starts serving. */
export async function startDaemon(config: SloeConfig, options: DaemonOptions = {}): Promise<Daemon> {
  const env = options.env ?? process.env;
  const clock = options.clock ?? Date.now;

  // Telemetry first, so every later step can log, count and trace.
  const tracing: Tracing = startTracing(env);
  const logger = createLogger({ level: config.logLevel, redact: configRedactPaths(), ...(options.logDestination === undefined ? {} : { destination: options.logDestination }) });
  logger.debug({ config }, 'configuration');
  // Specs: the first load must be valid; later ones (SIGHUP, POST /-/reload) are refused when not.
  const initial = loadSpecSet(config);

  // The store: one SQLite file under dataDir; closed last, after everything that writes to it has stopped.
  mkdirSync(config.dataDir, { recursive: true });
  const store = openSqliteStore(join(config.dataDir, 'sloe.db'), { retention: parseDuration(config.retention) ?? 90 * DAY, durability: config.durability });
  const metrics = createSelfMetrics({ defaultMetrics: true, storeSizeBytes: () => store.sizeOnDisk() });

  const specs = new SpecsReloader(() => readSpecSet(config), initial, metrics, logger.child({ component: 'reload' }), clock);

  // Components. Each adds its routes and, when it holds resources, a Component for shutdown (stopped in reverse).
  const routes: Hono[] = [];
  const components: Component[] = [];
  components.push({ name: 'store', shutdown: () => store.close() });
  /** The journal every component writes through: gate decisions are counted as they are recorded. */
  const journal = instrumentJournal(store.journal, metrics);
  routes.push(journalRoutes(journal));
  // The engine (issue #3): ingested samples become event buckets in the store; every evaluationInterval each SLO's
  // status is computed, alert state stepped and persisted, and the statuses handed to notifications. A reload rebuilds
  // it from the store. It is the SampleAppender for ingest and the StatusReader for the API, gates and the UI.
  let onEvaluated: (statuses: readonly SloStatus[], now: number) => void = () => undefined;
  let evaluated = false;
  // Remote SLIs (README "Remote sources"): counted by the configured Prometheus-compatible query APIs.
  const remote = config.sources.length === 0 ? undefined : new SourceRemoteCounts(config.sources.map((source) => ({ ...source, timeoutMs: parseDuration(source.timeout) ?? 10_000 })));
  const engine = new EngineRuntime({
    specs: initial,
    store,
    clock,
    ...(remote === undefined ? {} : { remote }),
    evaluationInterval: parseDuration(config.evaluationInterval) ?? 30_000,
    seriesLimitPerTerm: config.limits.seriesPerTerm,
    logger: logger.child({ component: 'engine' }),
    onEvaluated: (report, now) => {
      evaluated = true;
      metrics.recordEvaluation(report.durationMs / 1000, true);
      recordSpan('engine.evaluate', now, now + report.durationMs, { 'sloe.objectives': report.statuses.length, 'sloe.transitions': report.transitions.length });
      onEvaluated(report.statuses, now);
    },
  });
  /** What ingest appends through: the engine, counted by protocol, outcome and reason, in an `ingest.append` span. */
  const appender: SampleAppender = instrumentAppender(engine, metrics);
  // Ingest (README "Ingest"): POST /api/v1/write and /v1/metrics into the appender (write token checked by authorize
  // below), and the configured scrape jobs; exponential histograms are exposed at the bounds the loaded SLIs read.
  let bucketBounds = bucketBoundsOf(initial);
  specs.onChange((next) => {
    bucketBounds = bucketBoundsOf(next);
  });
  const { seriesPerTerm: _engineLimit, ...ingestLimits } = config.limits;
  const ingest = createIngest({ appender, registry: metrics.registry, logger: logger.child({ component: 'ingest' }), bucketBounds: (metric) => bucketBounds(metric), limits: ingestLimits });
  routes.push(...ingest.routes);
  const scraper = new Scraper({
    jobs: config.scrape.map((job) => ({ ...job, intervalMs: parseDuration(job.interval) ?? 15_000, timeoutMs: parseDuration(job.timeout) ?? 5_000 })),
    appender,
    clock,
    logger: logger.child({ component: 'scrape' }),
    metrics: ingest.context.metrics,
  });
  // Awaited by the reload: when /-/reload answers, the engine runs the new set (a failure refuses the reload).
  // The rebuilt engine evaluates once before the reload answers, so readers (gates, UI) see the carried-over figures.
  specs.onChange(async (next) => {
    await engine.replace(next);
    await engine.evaluate(clock());
  });
  const statusReader: StatusReader = engine;
  routes.push(readRoutes(statusReader), historyRoutes(engine, clock), queryRoutes(engine, clock), exclusionRoutes(engine, clock));
  registerSloMetrics(metrics.registry, engine);
  metrics.slosLoaded.set(statusReader.latest().length);
  specs.onChange(() => metrics.slosLoaded.set(statusReader.latest().length));

  // Notifications (README "Notifications"): receivers from notifiers.*, routes, silences API, state in the store.
  // The engine hands every evaluation to notifications.evaluated(statuses, now).
  let notifications: Notifications;
  try {
    notifications = startNotifications(config, initial, specs, store, journal, metrics, logger);
  } catch (error) {
    store.close();
    throw error;
  }
  routes.push(notifications.routes());
  components.push({ name: 'notifications', flush: (ms) => notifications.flush(ms), shutdown: (ms) => notifications.shutdown(ms) });
  onEvaluated = (statuses, now) => notifications.evaluated(statuses, now);
  // Release gates and budget policy (README "Release gates and budget policy"): answers from the engine's statuses
  // in memory; decisions journalled in groups (one SQLite transaction per 10 ms); freezes and thaws checked after
  // every evaluation and sent as CloudEvents to events.webhooks. Stopped after the engine, before notifications.
  const policy = new PolicyComponent({
    statuses: statusReader,
    policies: initial.policies,
    journal,
    documents: store.documents,
    tokens: config.auth,
    webhooks: config.events.webhooks,
    source: (config.publicUrl ?? `http://${config.listen}`).replace(/\/+$/, ''),
    now: clock,
    logger: logger.child({ component: 'policy' }),
    transaction: (work) => store.db.transaction(work)(),
  });
  specs.onChange((next) => policy.gates.setPolicies(next.policies));
  routes.push(...policy.routes());
  components.push({ name: 'policy', flush: () => policy.delivery.flush(), shutdown: () => policy.shutdown() });
  const notifyEvaluation = onEvaluated;
  onEvaluated = (statuses, now) => {
    notifyEvaluation(statuses, now);
    policy.afterEvaluation(now);
  };
  // Provisioning (README "sloe provision"): the generated rules and dashboards are pushed to the configured Prometheus
  // rules folder, Mimir ruler and Grafana at start and after every reload. Not awaited by the reload (a slow Grafana
  // must not hold it); runs never overlap, and failures are logged with what was applied, never swallowed.
  if (configuredTargets(config.provisioning).length > 0) {
    const provisionLogger = logger.child({ component: 'provision' });
    const provisioner = createProvisioner({ config: config.provisioning, logger: provisionLogger, message: 'sloe: specs loaded' });
    const push = (next: SpecSet): void => {
      provisioner.update(next.slos).catch((error: unknown) => provisionLogger.error({ err: error }, 'provisioning failed'));
    };
    push(initial);
    specs.onChange((next) => push(next));
    components.push({ name: 'provision', shutdown: () => provisioner.shutdown() });
  }
  // Stopped before notifications and the store (components stop in reverse): the last evaluation is delivered and saved.
  components.push({ name: 'engine', shutdown: () => engine.stop() });

  // The web UI (ui/dist, built by npm run build) and the spec excerpts its SLO page shows.
  routes.push(specRoutes(specExcerpts(() => specs.current())), uiRoutes(UI_ROOT));

  // HTTP: operations, then every component's routes, behind auth, request metrics and traces.
  let draining = false;
  routes.unshift(
    operationsRoutes({
      metrics: async () => ({ contentType: metrics.registry.contentType, body: await metrics.registry.metrics() }),
      reload: (trigger) => specs.reload(trigger),
    }),
  );
  const app = createHttpApp(
    routes,
    {
      // Not ready until the engine has evaluated once (it does at start, within milliseconds), so no gate or status
      // is answered from the placeholder `not evaluated yet` figures; and not ready while draining.
      notReadyReasons: () => [...(evaluated ? [] : ['first evaluation pending']), ...(draining ? ['shutting down'] : [])],
      details: () => {
        const last = specs.lastReload();
        // A refused reload does not make the daemon unready: it keeps serving the set in force, which is what a
        // load balancer needs. /readyz says so, and sloe_config_last_reload_successful is 0 until a reload succeeds.
        return last.ok
          ? { specs: { lastReload: { successful: true, at: new Date(last.at).toISOString(), trigger: last.trigger } } }
          : {
              specs: {
                lastReload: { successful: false, at: new Date(last.at).toISOString(), trigger: last.trigger, problems: last.problems },
                inForceSince: new Date(specs.lastSuccessfulReload().at).toISOString(),
              },
            };
      },
    },
    [
      { path: '*', handler: countRequests(metrics) },
      ...TRACED_PATHS.map((path) => ({ path, handler: traceRequests() })),
      { path: '*', handler: authorize(config.auth) },
      // Ingest bodies have their own limits (compressed and inflated); every other body is bounded here.
      { path: '*', handler: limitBodies(MAX_API_BODY_BYTES, INGEST_PATHS) },
    ],
  );
  let server: RunningServer;
  try {
    server = await startServer(app, config.listen);
  } catch (error) {
    store.close();
    await tracing.shutdown();
    throw new SloeError('listen_failed', `cannot listen on ${config.listen}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  const url = urlOf(server);
  logger.info({ url, slos: initial.slos.length, policies: initial.policies.length, tracing: tracing.enabled ? tracing.endpoint : 'off' }, 'sloe listening');
  engine.start();
  scraper.start();
  // Registered last so it stops first: no scrape appends after the engine has stopped.
  components.push({ name: 'scrape', shutdown: () => scraper.shutdown() });

  const graceMs = parseDuration(config.shutdownTimeout) ?? 10_000;
  let stopping: Promise<void> | undefined;
  const stop = async (): Promise<void> => {
    draining = true;
    const started = clock();
    // Stop accepting; requests in flight (an acknowledged write among them) finish within the grace period.
    await server.close(graceMs);
    for (const component of [...components].reverse()) {
      const left = Math.max(1_000, graceMs - (clock() - started));
      try {
        if (component.flush && !(await within(left, component.flush(left)))) logger.warn({ component: component.name }, 'flush did not finish in time');
        await within(left, Promise.resolve(component.shutdown?.(left)));
      } catch (error) {
        logger.error({ err: error, component: component.name }, 'component failed to stop cleanly');
      }
    }
    await within(5_000, tracing.shutdown());
    logger.info({ ms: clock() - started }, 'sloe stopped');
    logger.flush();
  };

  return {
    url,
    logger,
    metrics,
    specs,
    appender,
    reload: (trigger) => specs.reload(trigger),
    stop: () => (stopping ??= stop()),
  };
}
