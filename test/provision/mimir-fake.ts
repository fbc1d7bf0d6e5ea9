import { Hono } from 'hono';
import { parse, stringify } from 'yaml';
import type { Injected, Recorded } from './serve.js';

/**
 * A fake Mimir ruler following its configuration API documentation: `GET <prefix>/config/v1/rules/{namespace}`
 * answers the namespace's groups as YAML (`{namespace: [groups]}`) or 404 `no rule groups found`;
 * `POST <prefix>/config/v1/rules/{namespace}` takes one rule group as YAML (`Content-Type: application/yaml`) and
 * answers 202, or 400 with the reason when the group is invalid; `DELETE .../{namespace}/{group}` answers 202.
 * Every request needs the tenant in `X-Scope-OrgID` (401 `no org id` otherwise), as with multi-tenancy enabled.
 */
export class FakeMimir {
  readonly requests: Recorded[] = [];
  readonly injected: Injected[] = [];
  /** tenant → namespace → group name → group. */
  readonly rules = new Map<string, Map<string, Map<string, Record<string, unknown>>>>();

  constructor(readonly prefix = '/prometheus') {}

  namespace(tenant: string, namespace: string): Map<string, Record<string, unknown>> {
    const namespaces = this.rules.get(tenant) ?? new Map<string, Map<string, Record<string, unknown>>>();
    this.rules.set(tenant, namespaces);
    const groups = namespaces.get(namespace) ?? new Map<string, Record<string, unknown>>();
    namespaces.set(namespace, groups);
    return groups;
  }

  app(): Hono {
    const app = new Hono();
    const base = `${this.prefix}/config/v1/rules`;
    app.use('*', async (c, next) => {
      const body = c.req.method === 'GET' ? '' : await c.req.raw.clone().text();
      const path = new URL(c.req.url).pathname;
      this.requests.push({ method: c.req.method, path, headers: c.req.header(), body });
      const index = this.injected.findIndex((entry) => entry.method === c.req.method && path.startsWith(entry.pathPrefix));
      if (index >= 0) {
        const [reply] = this.injected.splice(index, 1);
        return new Response(reply!.body, { status: reply!.status, headers: { 'Content-Type': reply!.contentType ?? 'text/plain' } });
      }
      if (!c.req.header('X-Scope-OrgID')) return c.text('no org id\n', 401);
      return next();
    });
    app.get(`${base}/:namespace`, (c) => {
      const groups = this.namespace(c.req.header('X-Scope-OrgID') ?? '', c.req.param('namespace'));
      if (groups.size === 0) return c.text('no rule groups found\n', 404);
      return c.body(stringify({ [c.req.param('namespace')]: [...groups.values()] }), 200, { 'Content-Type': 'application/yaml' });
    });
    app.post(`${base}/:namespace`, async (c) => {
      let group: Record<string, unknown>;
      try {
        group = parse(await c.req.text()) as Record<string, unknown>;
      } catch (error) {
        return c.text(`error unmarshalling rule group: ${(error as Error).message}\n`, 400);
      }
      const rules = group?.rules;
      if (typeof group?.name !== 'string' || group.name === '') return c.text('invalid rules config: rule group name must not be empty\n', 400);
      if (!Array.isArray(rules) || rules.length === 0) return c.text(`invalid rules config: rule group '${group.name}' has no rules\n`, 400);
      for (const rule of rules as Record<string, unknown>[]) {
        const expr = typeof rule.expr === 'string' ? rule.expr : '';
        const balanced = [...expr].reduce((depth, char) => (depth < 0 ? depth : depth + (char === '(' ? 1 : char === ')' ? -1 : 0)), 0) === 0;
        if ((rule.record === undefined) === (rule.alert === undefined) || expr === '' || !balanced) {
          return c.text(`invalid rules config: group '${group.name}': rule '${typeof rule.record === 'string' ? rule.record : typeof rule.alert === 'string' ? rule.alert : ''}': could not parse expression\n`, 400);
        }
      }
      this.namespace(c.req.header('X-Scope-OrgID') ?? '', c.req.param('namespace')).set(group.name, group);
      return c.json({ status: 'success', data: null, errorType: '', error: '' }, 202);
    });
    app.delete(`${base}/:namespace/:group`, (c) => {
      const groups = this.namespace(c.req.header('X-Scope-OrgID') ?? '', c.req.param('namespace'));
      if (!groups.delete(c.req.param('group'))) return c.text('group does not exist\n', 404);
      return c.json({ status: 'success', data: null, errorType: '', error: '' }, 202);
    });
    return app;
  }

  writes(): Recorded[] {
    return this.requests.filter((request) => request.method === 'POST' || request.method === 'DELETE');
  }
}
