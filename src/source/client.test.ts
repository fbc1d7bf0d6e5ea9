import { describe, expect, it } from 'vitest';
import { PrometheusClient } from './client.js';
import type { SourceConfig } from './client.js';

const config: SourceConfig = { name: 'prom', url: 'http://127.0.0.1:9090', timeoutMs: 1000, retries: 3, partialResponse: false };
const success = JSON.stringify({ status: 'success', data: { resultType: 'vector', result: [{ metric: { job: 'api' }, value: [1, '42'] }] } });

/** A source answering from a script of replies, recording the waits between attempts. */
function scripted(replies: { status: number; body?: string; headers?: Record<string, string> }[]) {
  const sleeps: number[] = [];
  let calls = 0;
  const client = new PrometheusClient(config, {
    fetch: () => {
      const reply = replies[calls++] ?? { status: 200, body: success };
      return Promise.resolve(new Response(reply.body ?? '', { status: reply.status, ...(reply.headers ? { headers: reply.headers } : {}) }));
    },
    sleep: (ms) => (sleeps.push(ms), Promise.resolve()),
    backoffMs: 100,
    random: () => 0.5,
  });
  return { client, sleeps, calls: () => calls };
}

describe('PrometheusClient retries', () => {
  it('retries a 408 Request Timeout and answers with the next reply', async () => {
    const { client, calls, sleeps } = scripted([{ status: 408, body: 'request timeout' }]);
    await expect(client.instant('up', 0)).resolves.toEqual([{ metric: { job: 'api' }, value: 42 }]);
    expect(calls()).toBe(2);
    expect(sleeps).toEqual([50]);
  });

  it('retries 425, 429 and 5xx with full-jitter backoff, waiting as long as a Retry-After asks', async () => {
    const { client, calls, sleeps } = scripted([{ status: 425 }, { status: 429, headers: { 'retry-after': '2' } }, { status: 503, body: '<html>bad gateway</html>' }]);
    await expect(client.instant('up', 0)).resolves.toHaveLength(1);
    expect(calls()).toBe(4);
    expect(sleeps).toEqual([50, 2000, 200]);
  });

  it('does not retry a query the source refuses, and says why', async () => {
    const { client, calls } = scripted([{ status: 400, body: JSON.stringify({ status: 'error', errorType: 'bad_data', error: 'parse error at char 4' }) }]);
    await expect(client.instant('up{', 0)).rejects.toThrow('source prom refused the query up{: parse error at char 4');
    expect(calls()).toBe(1);
  });

  it('gives up after its retries, naming the last failure', async () => {
    const { client, calls } = scripted([{ status: 408 }, { status: 408 }, { status: 408 }, { status: 408 }]);
    await expect(client.instant('up', 0)).rejects.toThrow('source prom: HTTP 408 (after 4 attempts)');
    expect(calls()).toBe(4);
  });
});
