/**
 * A scrape target for a real Prometheus in the tests: every `GET /metrics` counts one scrape and answers what
 * `render` returns at that moment, so a test changes its figures between scrapes and waits for Prometheus to see them.
 */
import { createServer } from 'node:http';
import type { Server } from 'node:http';

export interface Exposition {
  readonly contentType: string;
  readonly body: string | Uint8Array;
}

export interface MetricsTarget {
  readonly server: Server;
  readonly port: number;
  scrapes(): number;
  /** Resolves once `count` scrapes were answered; throws after `timeoutMs` with `context()` (say, Prometheus's log). */
  waitForScrapes(count: number, context?: () => string, timeoutMs?: number): Promise<void>;
  close(): void;
}

export function startMetricsTarget(render: () => Exposition): Promise<MetricsTarget> {
  let scrapes = 0;
  const server = createServer((req, res) => {
    if (req.url !== '/metrics') {
      res.writeHead(404).end();
      return;
    }
    scrapes++;
    const { contentType, body } = render();
    res.writeHead(200, { 'content-type': contentType });
    res.end(body);
  });
  const waitForScrapes = async (count: number, context: () => string = () => '', timeoutMs = 30_000): Promise<void> => {
    const deadline = Date.now() + timeoutMs;
    while (scrapes < count) {
      if (Date.now() > deadline) throw new Error(`only ${scrapes} scrapes in ${timeoutMs / 1000} s: ${context()}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      resolve({ server, port, scrapes: () => scrapes, waitForScrapes, close: () => server.close() });
    }),
  );
}
