import type { RouteAccess, Scope } from '../core/index.js';

export interface RouteScope {
  /** As hono registers it; GET covers HEAD. */
  readonly method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** The route's hono pattern, exactly as registered (`:name` one segment, a trailing `*` the rest). */
  readonly path: string;
  readonly access: RouteAccess;
}

/**
 * Every route of the daemon and the scope it needs, in one table (README "Access" is its prose). Probes and the web
 * UI's files are public (they hold no data; the UI asks for a token when the API needs one); ingest needs write;
 * reads, queries sent as forms and gate questions need read (CI systems and webhooks hold the read token); every
 * change of state needs admin. The daemon refuses to start with a route missing here, so a new route is a decision.
 */
export const ROUTE_SCOPES: readonly RouteScope[] = [
  { method: 'GET', path: '/healthz', access: 'public' },
  { method: 'GET', path: '/readyz', access: 'public' },
  { method: 'GET', path: '/', access: 'public' },
  { method: 'GET', path: '/ui/*', access: 'public' },
  // No route serves it, but browsers ask: a 404, not a 401, keeps a token prompt from appearing for it.
  { method: 'GET', path: '/favicon.ico', access: 'public' },
  { method: 'GET', path: '/metrics', access: 'read' },
  { method: 'POST', path: '/-/reload', access: 'admin' },
  { method: 'POST', path: '/api/v1/write', access: 'write' },
  { method: 'POST', path: '/v1/metrics', access: 'write' },
  { method: 'GET', path: '/api/v1/slos', access: 'read' },
  { method: 'GET', path: '/api/v1/slos/:name', access: 'read' },
  { method: 'GET', path: '/api/v1/slos/:name/history', access: 'read' },
  { method: 'GET', path: '/api/v1/slos/:name/spec', access: 'read' },
  { method: 'GET', path: '/api/v1/slos/:name/groups', access: 'read' },
  { method: 'GET', path: '/api/v1/query', access: 'read' },
  { method: 'POST', path: '/api/v1/query', access: 'read' },
  { method: 'GET', path: '/api/v1/notifications', access: 'read' },
  { method: 'GET', path: '/api/v1/exclusions', access: 'read' },
  { method: 'POST', path: '/api/v1/exclusions', access: 'admin' },
  { method: 'DELETE', path: '/api/v1/exclusions/:id', access: 'admin' },
  { method: 'POST', path: '/api/v1/backfill', access: 'admin' },
  { method: 'GET', path: '/api/v1/silences', access: 'read' },
  { method: 'POST', path: '/api/v1/silences', access: 'admin' },
  { method: 'DELETE', path: '/api/v1/silences/:id', access: 'admin' },
  // Gates answer CI systems holding the read token; overrides are decided in the handler from the caller's scopes.
  { method: 'GET', path: '/api/v1/gates/:service', access: 'read' },
  { method: 'POST', path: '/api/v1/gates/:service', access: 'read' },
  { method: 'GET', path: '/api/v1/decisions', access: 'read' },
  { method: 'GET', path: '/api/v1/freezes', access: 'read' },
  { method: 'PUT', path: '/api/v1/freezes/:service', access: 'admin' },
  { method: 'DELETE', path: '/api/v1/freezes/:service', access: 'admin' },
  { method: 'POST', path: '/api/v1/hooks/flagger', access: 'read' },
  { method: 'POST', path: '/api/v1/admission', access: 'read' },
  { method: 'POST', path: '/api/v1/admission/:env', access: 'read' },
  // GitHub cannot send a bearer token: the body's HMAC (X-Hub-Signature-256, github.webhookSecret) is checked instead.
  { method: 'POST', path: '/api/v1/hooks/github', access: 'public' },
  // CONTRACT.md's second wave: reviews and the MCP server read ("the read token applies").
  { method: 'GET', path: '/api/v1/reports', access: 'read' },
  { method: 'GET', path: '/api/v1/incidents', access: 'read' },
  { method: 'GET', path: '/api/v1/postmortems', access: 'read' },
  { method: 'POST', path: '/mcp', access: 'read' },
];

interface CompiledRoute {
  readonly method: string;
  readonly pattern: RegExp;
  readonly access: RouteAccess;
}

function compile(path: string): RegExp {
  const parts = path.split('/').map((segment, index, all) => {
    if (segment === '*' && index === all.length - 1) return '.*';
    if (segment.startsWith(':')) return '[^/]+';
    return segment.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&');
  });
  return new RegExp(`^${parts.join('/')}$`);
}

const key = (method: string, path: string): string => `${method} ${path}`;

/** Looks up what a request needs, and lists the routes of an app that the table leaves out. */
/** Paths whose access is remembered (a gate is asked about a few services, over and over). */
const ACCESS_CACHE_SIZE = 4096;

export class RouteTable {
  private readonly compiled: readonly CompiledRoute[];
  private readonly declared: ReadonlySet<string>;
  /** Access by method and path, so a repeated request does not test every route's pattern; emptied when full. */
  private readonly remembered = new Map<string, RouteAccess>();

  constructor(routes: readonly RouteScope[] = ROUTE_SCOPES) {
    this.compiled = routes.map((route) => ({ method: route.method, pattern: compile(route.path), access: route.access }));
    this.declared = new Set(routes.map((route) => key(route.method, route.path)));
  }

  /**
   * What a request needs. A path no route serves (it will be a 404) needs read to be looked at and admin to be
   * changed, so an unknown path tells a caller without a token nothing about which paths exist.
   */
  accessOf(method: string, path: string): RouteAccess {
    const asked = method === 'HEAD' ? 'GET' : method;
    const cacheKey = key(asked, path);
    const known = this.remembered.get(cacheKey);
    if (known !== undefined) return known;
    const found = this.compiled.find((route) => route.method === asked && route.pattern.test(path));
    const access = found ? found.access : fallback(asked);
    if (this.remembered.size >= ACCESS_CACHE_SIZE) this.remembered.clear();
    this.remembered.set(cacheKey, access);
    return access;
  }

  /**
   * The routes (as hono lists them in `app.routes`) with no declared scope. Middleware (hono's `ALL`, from `use`)
   * is not a route.
   */
  undeclared(routes: readonly { readonly method: string; readonly path: string }[]): string[] {
    const missing = routes.filter((route) => route.method !== 'ALL' && !this.declared.has(key(route.method, route.path)));
    return [...new Set(missing.map((route) => key(route.method, route.path)))];
  }
}

function fallback(method: string): Scope {
  return method === 'GET' || method === 'OPTIONS' ? 'read' : 'admin';
}
