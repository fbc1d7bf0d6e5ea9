/**
 * A pass-through HTTP proxy on 127.0.0.1 in front of a real query API (Prometheus, VictoriaMetrics): it records what
 * the client sent, can answer late (time-outs) and can strip a path prefix (a VictoriaMetrics cluster's
 * `/select/{tenant}/prometheus`, which a single node does not serve).
 */
import { createServer } from 'node:http';
import type { Server } from 'node:http';

export interface RecordedRequest {
  readonly url: string;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
}

export interface RecordingProxy {
  readonly url: string;
  readonly requests: RecordedRequest[];
  close(): Promise<void>;
}

export interface ProxyOptions {
  /** Waits this long before forwarding each request. */
  readonly delayMs?: number;
  /** Removed from the start of each request path before it is forwarded; a path without it is answered 404. */
  readonly stripPrefix?: RegExp;
}

export async function startRecordingProxy(upstream: string, options: ProxyOptions = {}): Promise<RecordingProxy> {
  const requests: RecordedRequest[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      const path = req.url ?? '/';
      requests.push({ url: path, headers: req.headers, body });
      const forwarded = options.stripPrefix ? path.replace(options.stripPrefix, '') : path;
      if (forwarded === path && options.stripPrefix) {
        res.writeHead(404, { 'content-type': 'text/plain' });
        res.end(`unsupported path ${path}`);
        return;
      }
      setTimeout(() => {
        void fetch(`${upstream}${forwarded}`, { method: req.method ?? 'GET', body: req.method === 'POST' ? body : undefined, headers: { 'content-type': String(req.headers['content-type'] ?? '') } })
          .then(async (answer) => {
            res.writeHead(answer.status, { 'content-type': 'application/json' });
            res.end(await answer.text());
          })
          .catch(() => res.destroy());
      }, options.delayMs ?? 0);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return {
    url: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
