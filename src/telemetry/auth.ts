import { createHash, timingSafeEqual } from 'node:crypto';
import type { Context, MiddlewareHandler } from 'hono';
import { SloeError } from '../core/index.js';

/** read: status, history, queries, gates, /metrics. write: ingest. admin: reload and changes of state. */
export type Scope = 'read' | 'write' | 'admin';

export interface Tokens {
  readonly readToken?: string | undefined;
  readonly writeToken?: string | undefined;
  readonly adminToken?: string | undefined;
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

/**
 * Compares in time independent of where the strings differ or how long they are: both sides are hashed to 32 bytes
 * first, since timingSafeEqual needs equal lengths and a length check would leak the token's length.
 */
export function tokensEqual(given: string, expected: string): boolean {
  return timingSafeEqual(digest(given), digest(expected));
}

function bearer(c: Context): string | undefined {
  const header = c.req.header('authorization');
  const match = header === undefined ? null : /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1];
}

/**
 * Whether a request with this bearer token may use a scope. A scope whose token is unset is open. The admin token
 * may do everything; the read and write tokens only their own scope.
 */
export function allows(tokens: Tokens, scope: Scope, given: string | undefined): boolean {
  const required = scope === 'read' ? tokens.readToken : scope === 'write' ? tokens.writeToken : tokens.adminToken;
  if (required === undefined) return true;
  if (given === undefined) return false;
  // Both comparisons always run, so timing does not tell which token matched.
  const scoped = tokensEqual(given, required);
  const admin = tokens.adminToken !== undefined && tokensEqual(given, tokens.adminToken);
  return scoped || admin;
}

function refuse(c: Context, scope: Scope, given: string | undefined): never {
  c.header('WWW-Authenticate', `Bearer realm="sloe", scope="${scope}"`);
  // The message names the scope, never the token that was sent.
  throw new SloeError('unauthorized', given === undefined ? `this endpoint needs a bearer token with ${scope} scope` : `the bearer token does not grant ${scope} scope`, { status: 401 });
}

/** Middleware for one route or sub-app: refuses with 401 unless the request's bearer token grants `scope`. */
export function requireScope(scope: Scope, tokens: Tokens): MiddlewareHandler {
  return async (c, next) => {
    const given = bearer(c);
    if (!allows(tokens, scope, given)) refuse(c, scope, given);
    await next();
  };
}

const INGEST_PATHS = new Set(['/api/v1/write', '/v1/metrics']);
const OPEN_PATHS = new Set(['/healthz', '/readyz', '/favicon.ico']);
/**
 * POSTs that only read: gates, the Flagger hook and admission reviews (CI systems and webhooks hold the read token),
 * and PromQL queries sent as forms (Prometheus providers and Grafana POST them).
 */
const READING_POSTS = /^\/api\/v1\/(gates\/|hooks\/|admission(\/[^/]+)?$|query$)/;

/**
 * The scope each route needs, in one place: probes and the web UI's files are open (they hold no data; the UI asks
 * for a token when the API needs one), ingest needs write, reading and gates need read, and every other change
 * (reload, freezes, exclusions, silences) needs admin.
 */
export function scopeOf(method: string, path: string): Scope | undefined {
  if (OPEN_PATHS.has(path) || path === '/' || path.startsWith('/ui/')) return undefined;
  if (INGEST_PATHS.has(path)) return 'write';
  if (path === '/-/reload') return 'admin';
  if (method === 'GET' || method === 'HEAD' || method === 'OPTIONS' || READING_POSTS.test(path)) return 'read';
  return 'admin';
}

/** One middleware for the whole app, deciding the scope of each request with `scopeOf`. */
export function authorize(tokens: Tokens, scopeFor: (method: string, path: string) => Scope | undefined = scopeOf): MiddlewareHandler {
  return async (c, next) => {
    const scope = scopeFor(c.req.method, c.req.path);
    if (scope !== undefined) {
      const given = bearer(c);
      if (!allows(tokens, scope, given)) refuse(c, scope, given);
    }
    await next();
  };
}
