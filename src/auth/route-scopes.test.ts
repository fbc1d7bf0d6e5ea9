import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { ROUTE_SCOPES, RouteTable } from './route-scopes.js';

describe('RouteTable', () => {
  const table = new RouteTable();

  it('answers the declared scope of each route, parameters and wildcards included', () => {
    expect(table.accessOf('GET', '/')).toBe('public');
    expect(table.accessOf('GET', '/ui/assets/app-1234.js')).toBe('public');
    expect(table.accessOf('HEAD', '/healthz')).toBe('public');
    expect(table.accessOf('GET', '/metrics')).toBe('read');
    expect(table.accessOf('POST', '/v1/metrics')).toBe('write');
    expect(table.accessOf('POST', '/api/v1/write')).toBe('write');
    expect(table.accessOf('POST', '/api/v1/admission')).toBe('read');
    expect(table.accessOf('POST', '/api/v1/admission/production')).toBe('read');
    expect(table.accessOf('POST', '/api/v1/hooks/flagger')).toBe('read');
    expect(table.accessOf('POST', '/api/v1/query')).toBe('read');
    expect(table.accessOf('GET', '/api/v1/slos/checkout-availability/history')).toBe('read');
    expect(table.accessOf('PUT', '/api/v1/freezes/checkout')).toBe('admin');
    expect(table.accessOf('DELETE', '/api/v1/exclusions/1')).toBe('admin');
    expect(table.accessOf('POST', '/-/reload')).toBe('admin');
  });

  it('does not let a parameter span segments or a literal match a longer path', () => {
    expect(table.accessOf('PUT', '/api/v1/freezes/a/b')).toBe('admin');
    expect(table.accessOf('GET', '/healthz/more')).toBe('read');
    expect(table.accessOf('POST', '/api/v1/writer')).toBe('admin');
  });

  it('needs read to look at, and admin to change, a path no route serves', () => {
    expect(table.accessOf('GET', '/nowhere')).toBe('read');
    expect(table.accessOf('POST', '/nowhere')).toBe('admin');
    expect(table.accessOf('POST', '/api/v1/freezes')).toBe('admin');
  });

  it('declares each route once', () => {
    const keys = ROUTE_SCOPES.map((route) => `${route.method} ${route.path}`);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it("lists an app's routes that have no declared scope, and ignores middleware", () => {
    const app = new Hono();
    app.use('*', async (_c, next) => next());
    app.get('/api/v1/slos', (c) => c.text('ok'));
    app.on(['GET', 'POST'], '/api/v1/gates/:service', (c) => c.text('ok'));
    const sub = new Hono();
    sub.post('/api/v1/secret-change', (c) => c.text('ok'));
    sub.get('/api/v1/slos/:slo', (c) => c.text('ok'));
    app.route('/', sub);
    expect(table.undeclared(app.routes)).toEqual(['POST /api/v1/secret-change', 'GET /api/v1/slos/:slo']);
  });
});
