import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import type { SloeError } from '../core/index.js';
import { allows, authorize, requireScope, scopeOf, tokensEqual } from './auth.js';

const tokens = { readToken: 'read-secret', writeToken: 'write-secret', adminToken: 'admin-secret' };

function app(middleware: ReturnType<typeof authorize>): Hono {
  const hono = new Hono();
  hono.onError((error, c) => c.json({ error: { code: (error as SloeError).code, message: error.message } }, (error as SloeError).status as 401));
  hono.use('*', middleware);
  hono.get('/api/v1/slos', (c) => c.json({ data: [] }));
  hono.post('/api/v1/write', (c) => c.body(null, 204));
  hono.post('/-/reload', (c) => c.json({ status: 'reloaded' }));
  hono.post('/api/v1/gates/checkout', (c) => c.json({ decision: 'allow' }));
  hono.get('/healthz', (c) => c.json({ status: 'ok' }));
  return hono;
}

const bearer = (token: string) => ({ headers: { authorization: `Bearer ${token}` } });

describe('authorize', () => {
  const server = app(authorize(tokens));

  it('refuses a request without a token with 401, a WWW-Authenticate challenge and no token in the body', async () => {
    const response = await server.request('/api/v1/slos');
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe('Bearer realm="sloe", scope="read"');
    expect(await response.json()).toEqual({ error: { code: 'unauthorized', message: 'this endpoint needs a bearer token with read scope' } });
  });

  it('refuses a wrong token without echoing it', async () => {
    const response = await server.request('/api/v1/write', { method: 'POST', ...bearer('read-secret') });
    expect(response.status).toBe(401);
    const text = await response.text();
    expect(text).toContain('does not grant write scope');
    expect(text).not.toContain('read-secret');
  });

  it('lets each scope through with its own token, and everything with the admin token', async () => {
    expect((await server.request('/api/v1/slos', bearer('read-secret'))).status).toBe(200);
    expect((await server.request('/api/v1/write', { method: 'POST', ...bearer('write-secret') })).status).toBe(204);
    expect((await server.request('/-/reload', { method: 'POST', ...bearer('admin-secret') })).status).toBe(200);
    expect((await server.request('/api/v1/slos', bearer('admin-secret'))).status).toBe(200);
    expect((await server.request('/api/v1/write', { method: 'POST', ...bearer('admin-secret') })).status).toBe(204);
    expect((await server.request('/-/reload', { method: 'POST', ...bearer('read-secret') })).status).toBe(401);
  });

  it('treats gate POSTs as reads and leaves probes open', async () => {
    expect((await server.request('/api/v1/gates/checkout', { method: 'POST', ...bearer('read-secret') })).status).toBe(200);
    expect((await server.request('/healthz')).status).toBe(200);
  });

  it('is open for a scope whose token is unset', async () => {
    const open = app(authorize({ adminToken: 'admin-secret' }));
    expect((await open.request('/api/v1/slos')).status).toBe(200);
    expect((await open.request('/-/reload', { method: 'POST' })).status).toBe(401);
  });

  it('works per route with requireScope', async () => {
    const hono = new Hono();
    hono.onError((error, c) => c.json({ code: (error as SloeError).code }, 401));
    hono.get('/x', requireScope('write', tokens), (c) => c.text('ok'));
    expect((await hono.request('/x', bearer('read-secret'))).status).toBe(401);
    expect((await hono.request('/x', bearer('write-secret'))).status).toBe(200);
  });
});

describe('tokens', () => {
  it('compares exactly, whatever the lengths', () => {
    expect(tokensEqual('abc', 'abc')).toBe(true);
    expect(tokensEqual('abc', 'abd')).toBe(false);
    expect(tokensEqual('abc', 'abcd')).toBe(false);
    expect(tokensEqual('', 'abc')).toBe(false);
    expect(allows(tokens, 'read', undefined)).toBe(false);
  });

  it('maps routes to scopes', () => {
    expect(scopeOf('GET', '/')).toBeUndefined();
    expect(scopeOf('GET', '/ui/app.js')).toBeUndefined();
    expect(scopeOf('GET', '/metrics')).toBe('read');
    expect(scopeOf('POST', '/v1/metrics')).toBe('write');
    expect(scopeOf('POST', '/api/v1/admission')).toBe('read');
    expect(scopeOf('POST', '/api/v1/hooks/flagger')).toBe('read');
    expect(scopeOf('POST', '/api/v1/admission/production')).toBe('read');
    expect(scopeOf('POST', '/api/v1/query')).toBe('read');
    expect(scopeOf('PUT', '/api/v1/freezes/checkout')).toBe('admin');
    expect(scopeOf('POST', '/api/v1/freezes')).toBe('admin');
    expect(scopeOf('DELETE', '/api/v1/exclusions/1')).toBe('admin');
  });
});
