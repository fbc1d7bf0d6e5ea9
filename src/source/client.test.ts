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

describe('PrometheusClient partial responses', () => {
  /** A VictoriaMetrics cluster's answer when a vmstorage node is down and partial answers are not denied. */
  const partial = JSON.stringify({ status: 'success', isPartial: true, data: { resultType: 'vector', result: [{ metric: {}, value: [1, '7'] }] } });

  it('asks every backend for whole answers: partial_response=false (Thanos) and deny_partial_response=1 (VictoriaMetrics)', async () => {
    const bodies: string[] = [];
    const client = new PrometheusClient(config, {
      fetch: (_url, init) => {
        bodies.push(init?.body instanceof URLSearchParams ? init.body.toString() : '');
        return Promise.resolve(new Response(success, { status: 200 }));
      },
    });
    await client.instant('up', 0);
    const form = new URLSearchParams(bodies[0]);
    expect(form.get('partial_response')).toBe('false');
    expect(form.get('deny_partial_response')).toBe('1');
  });

  it('refuses an answer marked isPartial, retrying it like an outage, and says why', async () => {
    const { client, calls } = scripted([{ status: 200, body: partial }, { status: 200, body: partial }, { status: 200, body: partial }, { status: 200, body: partial }]);
    await expect(client.instant('sum(up)', 0)).rejects.toThrow('source prom: partial response to sum(up) (some storage nodes did not answer; set partialResponse: true to accept such answers) (after 4 attempts)');
    expect(calls()).toBe(4);
    const { client: recovering } = scripted([{ status: 200, body: partial }]);
    await expect(recovering.instant('sum(up)', 0)).resolves.toEqual([{ metric: { job: 'api' }, value: 42 }]);
  });

  it('accepts a partial answer when the source allows them, and then does not deny them', async () => {
    const bodies: string[] = [];
    const client = new PrometheusClient({ ...config, partialResponse: true }, {
      fetch: (_url, init) => {
        bodies.push(init?.body instanceof URLSearchParams ? init.body.toString() : '');
        return Promise.resolve(new Response(partial, { status: 200 }));
      },
    });
    await expect(client.instant('sum(up)', 0)).resolves.toEqual([{ metric: {}, value: 7 }]);
    expect(new URLSearchParams(bodies[0]).get('deny_partial_response')).toBeNull();
    expect(new URLSearchParams(bodies[0]).get('partial_response')).toBe('true');
  });
});
