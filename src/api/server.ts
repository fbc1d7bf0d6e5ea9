import { serve } from '@hono/node-server';
import type { ServerType } from '@hono/node-server';
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

export async function startServer(app: Hono, listen: string): Promise<RunningServer> {
  const { host, port } = parseListen(listen);
  const server = await new Promise<ServerType>((resolve, reject) => {
    const created = serve({ fetch: app.fetch, hostname: host, port }, () => resolve(created));
    created.once('error', reject);
  });
  const bound = server.address();
  const actualPort = typeof bound === 'object' && bound ? bound.port : port;
  return {
    address: { host, port: actualPort },
    close: (graceMs = 10_000) =>
      new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          if ('closeAllConnections' in server) server.closeAllConnections();
        }, graceMs);
        timer.unref();
        server.close(() => {
          clearTimeout(timer);
          resolve();
        });
        if ('closeIdleConnections' in server) server.closeIdleConnections();
      }),
  };
}
