/**
 * Sends remote-write bodies as Prometheus's shards do: one kept-alive connection per shard, each shard's requests
 * one after the other. A non-2xx fails the run (a receiver refusing data is not measured), unless `retry` is set:
 * then a 429 or 503 is sent again after its Retry-After, as Prometheus does, and counted.
 */
import { Agent, request } from 'node:http';

export const REMOTE_WRITE_HEADERS = { 'content-type': 'application/x-protobuf', 'content-encoding': 'snappy', 'x-prometheus-remote-write-version': '0.1.0' };

export interface Sender {
  (url: string, body: Uint8Array): Promise<void>;
  /** Requests sent again after a 429 or 503 (with `retry`). */
  readonly retried: () => number;
}

/** A POST function over `connections` kept-alive sockets. */
export function remoteWriteSender(connections: number, options: { retry?: boolean } = {}): Sender {
  const agent = new Agent({ keepAlive: true, maxSockets: connections });
  let retried = 0;
  const once = (url: string, body: Uint8Array): Promise<{ status: number; retryAfterS: number; text: string }> =>
    new Promise((resolve, reject) => {
      const req = request(url, { method: 'POST', agent, headers: { ...REMOTE_WRITE_HEADERS, 'content-length': body.byteLength } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, retryAfterS: Number(res.headers['retry-after'] ?? 1) || 1, text: Buffer.concat(chunks).toString() }));
      });
      req.on('error', reject);
      req.end(body);
    });
  const send = async (url: string, body: Uint8Array): Promise<void> => {
    for (;;) {
      const answer = await once(url, body);
      if (answer.status < 300) return;
      if (!options.retry || (answer.status !== 429 && answer.status !== 503)) throw new Error(`${url} answered ${answer.status}: ${answer.text}`);
      retried += 1;
      await new Promise((resolve) => setTimeout(resolve, answer.retryAfterS * 1000));
    }
  };
  return Object.assign(send, { retried: () => retried });
}
