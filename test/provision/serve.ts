import { serve } from '@hono/node-server';
import type { ServerType } from '@hono/node-server';
import type { Hono } from 'hono';

export interface Served {
  readonly url: string;
  close(): Promise<void>;
}

/** Serves a Hono app on 127.0.0.1 and a free port, for fakes of services that cannot run here. */
export async function serveApp(app: Hono): Promise<Served> {
  const server = await new Promise<ServerType>((resolve, reject) => {
    const created = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, () => resolve(created));
    created.once('error', reject);
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        if ('closeAllConnections' in server) server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A scripted reply the fakes give before their normal behaviour (to inject 5xx, 401, 412). */
export interface Injected {
  readonly method: string;
  readonly pathPrefix: string;
  readonly status: number;
  readonly body: string;
  readonly contentType?: string;
}

export interface Recorded {
  readonly method: string;
  readonly path: string;
  readonly headers: Record<string, string>;
  readonly body: string;
}
