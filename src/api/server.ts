import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerOptions, ServerResponse } from 'node:http';
import { getRequestListener } from '@hono/node-server';
import type { Hono } from 'hono';
import { SloeError } from '../core/index.js';

export interface RunningServer {
  readonly address: { host: string; port: number };
  /** Stops accepting, lets in-flight requests finish (up to the grace period), then closes idle connections. */
  close(graceMs?: number): Promise<void>;
}

/** Splits `host:port` (IPv6 in brackets). */
export function parseListen(listen: string): { host: string; port: number } {
  const match = /^(\[[^\]]+\]|[^:]+):(\d+)$/.exec(listen);
  if (!match?.[1] || !match[2]) throw new SloeError('config_invalid', `listen: expected HOST:PORT, got ${listen}`);
  return { host: match[1].replace(/^\[|\]$/g, ''), port: Number(match[2]) };
}

/** How long clients may take and how many may be connected: what keeps slow and idle clients from starving the rest. */
export interface ConnectionLimits {
  readonly headersTimeoutMs: number;
  readonly requestTimeoutMs: number;
  readonly keepAliveTimeoutMs: number;
  readonly maxConnections: number;
}

export const DEFAULT_CONNECTION_LIMITS: ConnectionLimits = { headersTimeoutMs: 10_000, requestTimeoutMs: 60_000, keepAliveTimeoutMs: 5_000, maxConnections: 4096 };

/** Node's HTTP server options for the limits (the public server's and the front thread's alike). */
export function httpServerOptions(limits: ConnectionLimits): ServerOptions {
  return {
    headersTimeout: limits.headersTimeoutMs,
    // Node requires requestTimeout ≥ headersTimeout (0 would disable it).
    requestTimeout: Math.max(limits.requestTimeoutMs, limits.headersTimeoutMs),
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    // Node checks the header and request time-outs every connectionsCheckingInterval (30 s by default), so a trickling
    // client could outlive its time-out by that much: check at a tenth of the header time-out, at least every second.
    connectionsCheckingInterval: Math.max(250, Math.min(1_000, Math.floor(limits.headersTimeoutMs / 10))),
  };
}

/**
 * A request answered before hono sees it (the gate's fast path, policy/gate-fast-path.ts): true when it answered,
 * false to leave the request, untouched, to the app.
 */
export type FastRoute = (request: IncomingMessage, response: ServerResponse) => boolean;

/** What @hono/node-server's serve() does, with the fast route put in front of hono's listener. */
export function requestListener(app: Hono, host: string, fastRoute?: FastRoute): (request: IncomingMessage, response: ServerResponse) => void {
  const viaHono = getRequestListener(app.fetch, { hostname: host });
  // hono's listener handles its own errors (its promise never rejects), as under serve().
  return (request, response) => {
    if (fastRoute === undefined || !fastRoute(request, response)) void viaHono(request, response);
  };
}

/**
 * Stops an HTTP server gracefully: no new connections, idle ones closed now, the rest when their requests finish or
 * at the end of the grace period; resolves when the server has closed.
 */
export function closeHttpServer(server: Server, graceMs: number): Promise<void> {
  return new Promise<void>((resolve) => {
    const timer = setTimeout(() => {
      server.closeAllConnections();
    }, graceMs);
    timer.unref();
    server.close(() => {
      clearTimeout(timer);
      resolve();
    });
    server.closeIdleConnections();
  });
}

export async function startServer(app: Hono, listen: string, limits: ConnectionLimits = DEFAULT_CONNECTION_LIMITS, fastRoute?: FastRoute): Promise<RunningServer> {
  const { host, port } = parseListen(listen);
  const server: Server = createServer(httpServerOptions(limits), requestListener(app, host, fastRoute));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, resolve);
  });
  // Past the cap, Node closes new sockets at once: file descriptors and memory stay bounded whatever clients do.
  server.maxConnections = limits.maxConnections;
  const bound = server.address();
  const actualPort = typeof bound === 'object' && bound ? bound.port : port;
  return { address: { host, port: actualPort }, close: (graceMs = 10_000) => closeHttpServer(server, graceMs) };
}
