import { SpanKind, SpanStatusCode, context, propagation, trace } from '@opentelemetry/api';
import type { Attributes, Span } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { NodeSDK } from '@opentelemetry/sdk-node';
import type { MiddlewareHandler } from 'hono';
import { routePath } from 'hono/route';

const TRACER = 'sloe';

export interface Tracing {
  /** True when spans are exported (an OTLP endpoint is configured). */
  readonly enabled: boolean;
  readonly endpoint?: string;
  /** Exports the spans still buffered, then stops. */
  shutdown(): Promise<void>;
}

/**
 * Starts OpenTelemetry tracing through `@opentelemetry/sdk-node` when `OTEL_EXPORTER_OTLP_ENDPOINT` (or
 * `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`) is set; otherwise the API stays a no-op and spans cost nothing. Only traces
 * are exported: sloe's metrics are on /metrics and its logs on stdout. The exporter reads the standard `OTEL_*`
 * variables (headers, timeout, compression, `OTEL_RESOURCE_ATTRIBUTES`), and `OTEL_SERVICE_NAME` overrides the service name `sloe`.
 */
export function startTracing(env: Readonly<Record<string, string | undefined>>): Tracing {
  const base = env.OTEL_EXPORTER_OTLP_ENDPOINT;
  // As the OTLP spec says: the signal-specific variable is the full URL, the general one a base to append to.
  const endpoint = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ?? (base === undefined || base === '' ? undefined : `${base.replace(/\/+$/, '')}/v1/traces`);
  if (endpoint === undefined || endpoint === '' || env.OTEL_SDK_DISABLED === 'true') {
    return { enabled: false, shutdown: () => Promise.resolve() };
  }
  const sdk = new NodeSDK({
    serviceName: env.OTEL_SERVICE_NAME ?? 'sloe',
    traceExporter: new OTLPTraceExporter({ url: endpoint }),
    metricReaders: [],
    logRecordProcessors: [],
    instrumentations: [],
  });
  sdk.start();
  return {
    enabled: true,
    endpoint,
    shutdown: async () => {
      await sdk.shutdown();
    },
  };
}

function fail(span: Span, error: unknown): void {
  span.recordException(error instanceof Error ? error : String(error));
  span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
}

/** Runs a synchronous unit of work in a span (a child of the active one); errors are recorded and rethrown. */
export function withSpan<T>(name: string, attributes: Attributes, work: () => T): T {
  return trace.getTracer(TRACER).startActiveSpan(name, { attributes }, (span) => {
    try {
      return work();
    } catch (error) {
      fail(span, error);
      throw error;
    } finally {
      span.end();
    }
  });
}

/**
 * Records a span for work that already happened (an evaluation the engine timed itself), from its start and end in
 * Unix ms, as a child of whatever span is active.
 */
export function recordSpan(name: string, startMs: number, endMs: number, attributes: Attributes = {}): void {
  trace.getTracer(TRACER).startSpan(name, { attributes, startTime: startMs }).end(endMs);
}

/** A stage of a cycle as spans need it: a name, its start (Unix ms) and duration. */
export interface TimedStage {
  readonly stage: string;
  readonly startedAt: number;
  readonly durationMs: number;
}

/**
 * Records one evaluation cycle after the fact: a `sloe.cycle` span from `startedAt` lasting `durationMs`, with one
 * child span `sloe.cycle.<stage>` per stage, so a trace viewer shows where the cycle's time went.
 */
export function recordCycleSpans(startedAt: number, durationMs: number, stages: readonly TimedStage[], attributes: Attributes = {}): void {
  const tracer = trace.getTracer(TRACER);
  const cycle = tracer.startSpan('sloe.cycle', { attributes, startTime: startedAt });
  const parent = trace.setSpan(context.active(), cycle);
  for (const { stage, startedAt: stageStart, durationMs: stageMs } of stages) {
    tracer.startSpan(`sloe.cycle.${stage}`, { attributes: { 'sloe.stage': stage }, startTime: stageStart }, parent).end(stageStart + stageMs);
  }
  cycle.end(startedAt + durationMs);
}

/**
 * A server span per request, named `METHOD /route/:pattern`, continuing the caller's trace when it sends
 * `traceparent`. Mounted on the ingest, gate and reload routes, so a slow remote_write or gate answer can be followed.
 */
export function traceRequests(): MiddlewareHandler {
  return async (c, next) => {
    const parent = propagation.extract(context.active(), c.req.raw.headers, {
      keys: (headers) => {
        const names: string[] = [];
        headers.forEach((_, name) => names.push(name));
        return names;
      },
      get: (headers, key) => headers.get(key) ?? undefined,
    });
    await trace.getTracer(TRACER).startActiveSpan(
      `${c.req.method} ${c.req.path}`,
      { kind: SpanKind.SERVER, attributes: { 'http.request.method': c.req.method, 'url.path': c.req.path } },
      parent,
      async (span) => {
        try {
          await next();
          // The route pattern is known once routing has run; it names the span so paths do not explode its cardinality.
          const route = routePath(c, c.req.routeIndex);
          span.updateName(`${c.req.method} ${route}`);
          span.setAttribute('http.route', route);
          span.setAttribute('http.response.status_code', c.res.status);
          if (c.error !== undefined) fail(span, c.error);
          else if (c.res.status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
        } catch (error) {
          fail(span, error);
          throw error;
        } finally {
          span.end();
        }
      },
    );
  };
}
