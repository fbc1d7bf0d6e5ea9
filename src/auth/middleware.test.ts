import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { SloeError } from '../core/index.js';
import { authenticate, requireScope, routeAuthorizer } from './middleware.js';
import { openRemotePolicy } from './open-remote.js';
import type { Tokens } from './tokens.js';

const tokens = { readToken: 'read-secret', writeToken: 'write-secret', adminToken: 'admin-secret' };

function app(configured: Tokens = tokens): Hono {
  const hono = new Hono();
  hono.onError((error, c) => (error instanceof SloeError ? c.json({ error: { code: error.code, message: error.message } }, 401) : c.text('boom', 500)));
  hono.use('*', authenticate(configured));
  hono.get('/api/v1/slos', (c) => c.json({ data: [], scopes: [...(c.get('caller')?.scopes ?? [])].sort() }));
  hono.post('/api/v1/write', (c) => c.body(null, 204));
  hono.post('/-/reload', (c) => c.json({ status: 'reloaded' }));
  hono.post('/api/v1/gates/:service', (c) => c.json({ admin: c.get('caller')?.scopes.has('admin') }));
  hono.get('/healthz', (c) => c.json({ status: 'ok' }));
  return hono;
}

const bearer = (token: string) => ({ headers: { authorization: `Bearer ${token}` } });
const basic = (user: string, password: string) => ({ headers: { authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` } });

describe('authenticate', () => {
  const server = app();

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
    expect(text).toContain('the bearer token does not grant write scope');
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

  it('takes the token as the Basic password under any username, as Prometheus basic_auth sends it', async () => {
    expect((await server.request('/api/v1/write', { method: 'POST', ...basic('prometheus', 'write-secret') })).status).toBe(204);
    expect((await server.request('/api/v1/slos', basic('anyone', 'read-secret'))).status).toBe(200);
    const wrong = await server.request('/api/v1/write', { method: 'POST', ...basic('prometheus', 'read-secret') });
    expect(wrong.status).toBe(401);
    expect(await wrong.text()).toContain('the basic auth password does not grant write scope');
  });

  it('says what is wrong with a malformed header, without repeating it', async () => {
    const response = await server.request('/api/v1/write', { method: 'POST', headers: { authorization: 'Token write-secret' } });
    expect(response.status).toBe(401);
    const text = await response.text();
    expect(text).toContain('malformed (the scheme is neither Bearer nor Basic)');
    expect(text).not.toContain('write-secret');
  });

  it('treats gate POSTs as reads and leaves probes open', async () => {
    expect((await server.request('/api/v1/gates/checkout', { method: 'POST', ...bearer('read-secret') })).status).toBe(200);
    expect((await server.request('/healthz')).status).toBe(200);
  });

  it('sets the caller for handlers: its scopes, never its token', async () => {
    const read = await server.request('/api/v1/gates/checkout', { method: 'POST', ...bearer('read-secret') });
    expect(await read.json()).toEqual({ admin: false });
    const admin = await server.request('/api/v1/gates/checkout', { method: 'POST', ...bearer('admin-secret') });
    expect(await admin.json()).toEqual({ admin: true });
    const slos = await server.request('/api/v1/slos', bearer('read-secret'));
    expect(await slos.json()).toEqual({ data: [], scopes: ['read'] });
  });

  it('is open for a scope whose token is unset', async () => {
    const open = app({ adminToken: 'admin-secret' });
    const slos = await open.request('/api/v1/slos');
    expect(slos.status).toBe(200);
    expect(await slos.json()).toEqual({ data: [], scopes: ['read', 'write'] });
    expect((await open.request('/-/reload', { method: 'POST' })).status).toBe(401);
  });
});

describe('requireScope', () => {
  it('guards one component mounted on its own', async () => {
    const hono = new Hono();
    hono.onError((error, c) => c.json({ code: error instanceof SloeError ? error.code : 'internal' }, 401));
    hono.use('*', requireScope('write', tokens));
    hono.get('/x', (c) => c.text('ok'));
    expect((await hono.request('/x', bearer('read-secret'))).status).toBe(401);
    expect((await hono.request('/x', bearer('write-secret'))).status).toBe(200);
    expect((await hono.request('/x', basic('x', 'write-secret'))).status).toBe(200);
  });
});

/** routeAuthorizer's check, asked in one call; one authorizer, so what it remembers is shared across calls. */
function authorizer(...args: Parameters<typeof routeAuthorizer>) {
  const forRoute = routeAuthorizer(...args);
  return (method: string, path: string, authorization: string | undefined, peer: string | undefined) => forRoute(method, path)(authorization, peer);
}

describe('routeAuthorizer (the same check outside hono, for the gate fast path)', () => {
  it('gives the caller where the middleware lets the request through, and nothing where it refuses', async () => {
    const authorize = authorizer(tokens);
    const server = app();
    const cases: [string, string, string | undefined][] = [
      ['GET', '/api/v1/slos', undefined],
      ['GET', '/api/v1/slos', 'Bearer read-secret'],
      ['GET', '/api/v1/slos', 'Bearer write-secret'],
      ['GET', '/api/v1/slos', `Basic ${Buffer.from('ci:admin-secret').toString('base64')}`],
      ['GET', '/api/v1/slos', 'Token read-secret'],
      ['POST', '/-/reload', 'Bearer read-secret'],
      ['POST', '/-/reload', 'Bearer admin-secret'],
      ['GET', '/healthz', undefined],
    ];
    for (const [method, path, authorization] of cases) {
      const response = await server.request(path, { method, ...(authorization === undefined ? {} : { headers: { authorization } }) });
      const caller = authorize(method, path, authorization, '127.0.0.1');
      expect({ method, path, authorization, passes: caller !== undefined }).toEqual({ method, path, authorization, passes: response.status !== 401 });
    }
    expect([...(authorize('GET', '/api/v1/slos', 'Bearer admin-secret', '127.0.0.1')?.scopes ?? [])].sort()).toEqual(['admin', 'read', 'write']);
  });

  it('answers a header it has seen before the same way, whatever route it is sent to, and stays right past its cache', () => {
    const authorize = authorizer(tokens);
    const passes = (method: string, path: string, authorization: string | undefined): boolean => authorize(method, path, authorization, '127.0.0.1') !== undefined;
    // The remembered caller is the header's; the scope each route needs is still checked per request.
    for (let round = 0; round < 2; round++) {
      expect(passes('GET', '/api/v1/slos', 'Bearer read-secret')).toBe(true);
      expect(passes('POST', '/-/reload', 'Bearer read-secret')).toBe(false);
      expect(passes('POST', '/-/reload', 'Bearer admin-secret')).toBe(true);
      expect(passes('GET', '/api/v1/slos', undefined)).toBe(false);
      expect(passes('GET', '/healthz', undefined)).toBe(true);
    }
    // More distinct wrong tokens than the cache holds: each is refused, and the right ones still pass after.
    for (let guess = 0; guess < 3000; guess++) expect(passes('GET', '/api/v1/slos', `Bearer guess-${guess}`)).toBe(false);
    expect(passes('GET', '/api/v1/slos', 'Bearer read-secret')).toBe(true);
    expect(passes('GET', '/api/v1/slos', 'Bearer guess-1')).toBe(false);
  });

  it('refuses an open admin scope to a remote peer, as the middleware answers 403', () => {
    const open = { readToken: 'read-secret' };
    const authorize = authorizer(open, undefined, openRemotePolicy('0.0.0.0', open, false));
    expect(authorize('POST', '/-/reload', undefined, '10.0.0.7')).toBeUndefined();
    expect(authorize('POST', '/-/reload', undefined, '127.0.0.1')).toBeDefined();
    expect(authorize('GET', '/api/v1/gates/checkout', 'Bearer read-secret', '10.0.0.7')).toBeDefined();
  });
});
