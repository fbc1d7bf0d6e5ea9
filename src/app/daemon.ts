import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { DestinationStream } from 'pino';
import { MAX_API_BODY_BYTES, createHttpApp, limitBodies, parseListen, startFrontServer, startServer } from '../api/index.js';
import type { Middleware, RunningServer } from '../api/index.js';
import type { SampleAppender } from '../core/index.js';
import { SloeError } from '../core/index.js';
import { CONFIG_TABLE } from '../config/index.js';
import type { SloeConfig } from '../config/index.js';
import { openSqliteStore } from '../store/index.js';
import type { SloeStore } from '../store/index.js';
import { countRequests, createLogger, createSelfMetrics, startTracing, traceRequests } from '../telemetry/index.js';
import type { SelfMetrics } from '../telemetry/index.js';
import { RouteTable, authenticate, openRemotePolicy, routeAuthorizer } from '../auth/index.js';
import { GATE_ROUTE, GateTemplates, gateFastPath, gateResolver } from '../policy/index.js';
import type { OpenRemotePolicy } from '../auth/index.js';
import { compose } from './compose.js';
import type { Composition } from './compose.js';
import { stopInReverse } from './lifecycle.js';
import { readiness } from './readiness.js';
import { SpecsReloader } from './reload.js';
import type { ReloadOutcome } from './reload.js';
import { loadSpecSet, readSpecSet } from './spec-set.js';

export interface Daemon {
  readonly url: string;
  readonly logger: Logger;
  readonly metrics: SelfMetrics;
  readonly specs: SpecsReloader;
  /** The engine's appender as ingest uses it (counted); tests feed samples through it. */
  readonly appender: SampleAppender;
  /** Loads the specs again (SIGHUP and POST /-/reload); a bad set is refused and the running one stays. */
  reload(trigger: string): Promise<ReloadOutcome>;
  /** Graceful shutdown: stop accepting, finish in-flight requests, then stop every part in reverse, the store last. */
  stop(): Promise<void>;
  /** Calls `listener` if the daemon fails while it runs (its front thread died: nobody can reach it); `sloe serve` stops. */
  whenFailed(listener: (error: Error) => void): void;
}

export interface DaemonOptions {
  /** Process environment (OTEL_* variables). Default process.env. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Where log lines go; stdout when absent. */
  readonly logDestination?: DestinationStream;
  /** Unix ms. Default Date.now. */
  readonly clock?: () => number;
  /**
   * Whether GET gate requests are answered in front of hono (policy/gate-fast-path.ts). Default true; the fast path's
   * test turns it off to ask the hono route the same questions. Off anyway while spans are exported.
   */
  readonly gateFastPath?: boolean;
}

/** Log redaction for the configuration itself: every secret key, and headers that may carry credentials. */
function configRedactPaths(): string[] {
  const secrets = CONFIG_TABLE.filter((entry) => entry.secret === true).map((entry) => `config.${entry.key}`);
  return [...secrets, 'config.auth', 'config.sources[*].headers', 'config.notifiers.alertmanager[*].headers'];
}

/** The ingest endpoints: their bodies are bounded by ingest's own limits, compressed and inflated. */
const INGEST_PATHS: ReadonlySet<string> = new Set(['/api/v1/write', '/v1/metrics']);
/** Paths whose requests get a server span: ingest, gates and admission, and reloads. */
const TRACED_PATHS = [...INGEST_PATHS, '/api/v1/gates/*', '/api/v1/hooks/*', '/api/v1/admission', '/api/v1/admission/*', '/-/reload'];

/**
 * Before every route, in order: request metrics, traces (only when spans are exported: a span nobody receives still
 * costs a context switch and a header scan per request), the one auth check, body limits.
 */
function middleware(config: SloeConfig, metrics: SelfMetrics, routeTable: RouteTable, openRemote: OpenRemotePolicy, tracing: boolean): Middleware[] {
  return [
    { path: '*', handler: countRequests(metrics) },
    ...(tracing ? TRACED_PATHS.map((path) => ({ path, handler: traceRequests() })) : []),
    // The one route table says which scope each route needs; the caller is put on the request context.
    { path: '*', handler: authenticate(config.auth, routeTable, openRemote) },
    // Ingest bodies have their own limits (compressed and inflated); every other body is bounded here.
    { path: '*', handler: limitBodies(MAX_API_BODY_BYTES, INGEST_PATHS) },
  ];
}

function urlOf(server: RunningServer): string {
  const host = server.address.host.includes(':') ? `[${server.address.host}]` : server.address.host;
  return `http://${host}:${server.address.port}`;
}

/** The composition root's process side: telemetry, specs and store, the parts (compose.ts), HTTP, start and stop. */
export async function startDaemon(config: SloeConfig, options: DaemonOptions = {}): Promise<Daemon> {
  const clock = options.clock ?? Date.now;
  // Telemetry first, so every later step can log, count and trace.
  const tracing = startTracing(options.env ?? process.env);
  const logger = createLogger({ level: config.logLevel, format: config.logFormat, redact: configRedactPaths(), ...(options.logDestination === undefined ? {} : { destination: options.logDestination }) });
  logger.debug({ config }, 'configuration');
  // The first load must be valid; later ones (SIGHUP, POST /-/reload) are refused when not.
  const initial = loadSpecSet(config);
  mkdirSync(config.dataDir, { recursive: true });
  const storeLogger = logger.child({ component: 'store' });
  const store: SloeStore = openSqliteStore(join(config.dataDir, 'sloe.db'), {
    retention: config.retentionMs,
    durability: config.durability,
    onCheckpointError: (message) => storeLogger.warn({ reason: message }, 'background WAL checkpoint failed; tried again shortly'),
  });
  const metrics = createSelfMetrics({ defaultMetrics: true, storeSizeBytes: () => store.sizeOnDisk() });
  const specs = new SpecsReloader(() => readSpecSet(config), initial, metrics, logger.child({ component: 'reload' }), clock);

  const failureListeners: ((error: Error) => void)[] = [];
  let composition: Composition;
  let server: RunningServer;
  let draining = false;
  try {
    composition = compose({ config, specs, store, metrics, tracing, clock, logger });
    const { parts, engine } = composition;
    for (const part of parts) if (part.onSpecChange) specs.onChange((next) => part.onSpecChange?.(next));
    const routeTable = new RouteTable();
    const openRemote = openRemotePolicy(parseListen(config.listen).host, config.auth, config.auth.allowOpenRemote);
    // Said once at start, loudly: an operator who forgot a token learns why other hosts get 403 (or that they do not).
    if (openRemote.reason !== '') logger.warn({ listen: config.listen, restricted: [...openRemote.restricted] }, openRemote.reason);
    const app = createHttpApp(
      parts.flatMap((part) => part.routes ?? []),
      readiness(specs, () => engine.evaluated(), () => draining),
      middleware(config, metrics, routeTable, openRemote, tracing.enabled),
    );
    // A route nobody gave a scope would fall back to the default rule silently; refuse to start instead.
    const undeclared = routeTable.undeclared(app.routes);
    if (undeclared.length > 0) throw new SloeError('route_scope_missing', `routes without a declared scope (src/auth/route-scopes.ts): ${undeclared.join(', ')}`);
    // The gate's answers in front of hono, with the same access check and request metrics (not while tracing: a traced
    // gate request gets its span from the middleware); on the front thread too, unless it is turned off.
    const fastPath = (options.gateFastPath ?? true) && !tracing.enabled;
    const authorize = routeAuthorizer(config.auth, routeTable, openRemote);
    const recordAnswer = metrics.requests.bind('GET', GATE_ROUTE, 200);
    const fastRoute = fastPath ? gateFastPath(composition.gates, { authorize, recordAnswer }) : undefined;
    const gates = composition.gates;
    const onFailure = (error: Error): void => {
      logger.error({ err: error }, 'the front thread failed; nobody can reach the daemon: it stops');
      for (const listener of failureListeners) listener(error);
    };
    // A test clock is the main thread's alone: the front thread tells time by the system clock, so it is not used then.
    const listening = fastPath && config.server.frontThread && options.clock === undefined
      ? startFrontServer(app, config.listen, { limits: config.server, ...(fastRoute ? { fastRoute } : {}), gates: new GateTemplates(gates, gateResolver(gates, authorize)), recordAnswer, onFailure })
      : startServer(app, config.listen, config.server, fastRoute);
    server = await listening.catch((error: unknown) => {
      throw new SloeError('listen_failed', `cannot listen on ${config.listen}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    });
  } catch (error) {
    store.close();
    await tracing.shutdown();
    throw error;
  }
  for (const part of composition.parts) await part.start?.();
  const url = urlOf(server);
  logger.info({ url, slos: initial.slos.length, policies: initial.policies.length, tracing: tracing.enabled ? tracing.endpoint : 'off' }, 'sloe listening');

  let stopping: Promise<void> | undefined;
  const stop = async (): Promise<void> => {
    draining = true;
    const started = clock();
    // Stop accepting; requests in flight (an acknowledged write among them) finish within the grace period.
    await server.close(config.shutdownTimeoutMs);
    await stopInReverse(composition.parts, config.shutdownTimeoutMs, clock, logger);
    logger.info({ ms: clock() - started }, 'sloe stopped');
    logger.flush();
  };
  return {
    url,
    logger,
    metrics,
    specs,
    appender: composition.appender,
    reload: (trigger) => specs.reload(trigger),
    stop: () => (stopping ??= stop()),
    whenFailed: (listener) => failureListeners.push(listener),
  };
}
