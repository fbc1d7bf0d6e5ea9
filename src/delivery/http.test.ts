import { describe, expect, it } from 'vitest';
import { send } from './http.js';
import type { Fetch } from './http.js';

const replying = (status: number, body = '', headers: Record<string, string> = {}): Fetch => () => Promise.resolve(new Response(body, { status, headers }));

describe('send', () => {
  const request = { url: 'http://127.0.0.1:1/hook', body: '{}', timeoutMs: 1000 };

  it('turns replies into results by the one status rule, keeping the receiver\'s words and Retry-After', async () => {
    expect(await send(request, { fetch: replying(202) })).toEqual({ outcome: 'delivered', status: 202 });
    expect(await send(request, { fetch: replying(408, 'slow') })).toEqual({ outcome: 'retry', status: 408, reason: 'HTTP 408: slow' });
    expect(await send(request, { fetch: replying(429, '', { 'retry-after': '3' }) })).toEqual({ outcome: 'retry', status: 429, reason: 'HTTP 429', retryAfterMs: 3000 });
    expect(await send(request, { fetch: replying(404, 'no such hook') })).toEqual({ outcome: 'rejected', status: 404, reason: 'HTTP 404: no such hook' });
  });

  it('never throws: a refused connection is a retry with the reason', async () => {
    const refused: Fetch = () => Promise.reject(Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNREFUSED' } }));
    expect(await send(request, { fetch: refused })).toEqual({ outcome: 'retry', reason: 'fetch failed (ECONNREFUSED)' });
  });

  it('lets the caller refuse a 2xx that is not a success (Slack answers 200 with an error)', async () => {
    const accept = (_status: number, body: string) => body === 'ok';
    expect(await send(request, { fetch: replying(200, 'invalid_token'), accept })).toEqual({ outcome: 'rejected', status: 200, reason: 'unexpected reply: invalid_token' });
    expect(await send(request, { fetch: replying(200, 'ok'), accept })).toEqual({ outcome: 'delivered', status: 200 });
  });

  it('sends the method, headers and body it is given, as sloe', async () => {
    let seen: RequestInit | undefined;
    const recording: Fetch = (_url, init) => ((seen = init), Promise.resolve(new Response('', { status: 204 })));
    await send({ ...request, method: 'PUT', headers: { 'x-sloe-signature-256': 'sha256=ab' } }, { fetch: recording });
    expect(seen?.method).toBe('PUT');
    expect(seen?.headers).toEqual({ 'user-agent': 'sloe', 'x-sloe-signature-256': 'sha256=ab' });
    expect(seen?.body).toBe('{}');
  });
});
