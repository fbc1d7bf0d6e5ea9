import type { MiddlewareHandler } from 'hono';
import { SloeError, boundedMemo, holds, requestHeader } from '../core/index.js';
import type { Caller, RouteCheck, Scope } from '../core/index.js';
import { parseCredentials } from './credentials.js';
import { isLoopbackAddress, peerAddress } from './open-remote.js';
import type { OpenRemotePolicy } from './open-remote.js';
import type { Credentials } from './credentials.js';
import { RouteTable } from './route-scopes.js';
import { callerFor } from './tokens.js';
import type { Tokens } from './tokens.js';

declare module 'hono' {
  /**
   * `c.get('caller')` in every handler behind the auth middleware. Unset where a component's routes are mounted
   * without it (see `callerOrOpen`).
   */
  interface ContextVariableMap {
    caller?: Caller;
  }
}

function refusal(scope: Scope, credentials: Credentials): SloeError {
  // The message names the scope and what was wrong with the header, never the token that was sent.
  const message =
    credentials.kind === 'none'
      ? `this endpoint needs a bearer token with ${scope} scope`
      : credentials.kind === 'malformed'
        ? `the Authorization header is malformed (${credentials.problem}); send Bearer <token>, or Basic with the token as password, with ${scope} scope`
        : credentials.scheme === 'basic'
          ? `the basic auth password does not grant ${scope} scope`
          : `the bearer token does not grant ${scope} scope`;
  return new SloeError('unauthorized', message, { status: 401 });
}

/**
 * Whether an open scope is refused to this request: restricted by the policy, asked from a non-loopback peer (or one
 * whose address is unknown), and not carried by the admin token (which grants every scope).
 */
function refusedRemotely(scope: Scope, policy: OpenRemotePolicy | undefined, tokens: Tokens, caller: Caller, peer: string | undefined): boolean {
  if (policy === undefined || !policy.restricted.has(scope)) return false;
  if (peer !== undefined && isLoopbackAddress(peer)) return false;
  return !(tokens.adminToken !== undefined && holds(caller, 'admin'));
}

/** The outcome of the one access check: who the caller is, and why the request is refused, if it is. */
export interface AccessCheck {
  readonly caller: Caller;
  readonly credentials: Credentials;
  /** What the route needs; undefined for a public one. */
  readonly scope: Scope | undefined;
  /** `scope`: the credentials do not grant it (401); `remote`: an open scope refused to a remote peer (403). */
  readonly refused?: 'scope' | 'remote';
}

/** Who an `Authorization` header (or its absence) makes the caller: what `checkAccess` reads of it. */
interface Identity {
  readonly caller: Caller;
  readonly credentials: Credentials;
}

/** The one reading of the header: its credentials, and the scopes their token grants (every token compared). */
function identifyCaller(tokens: Tokens, authorization: string | undefined): Identity {
  const credentials = parseCredentials(authorization);
  return { caller: callerFor(tokens, credentials.kind === 'token' ? credentials.token : undefined), credentials };
}

/** Header values `routeAuthorizer` remembers the caller of; emptied when full, like the route table's cache. */
const IDENTITY_CACHE_SIZE = 1024;

/**
 * `identifyCaller`, remembered per header value: a pipeline polling the gate sends the same header every time, and
 * reading it (a regular expression, base64 for Basic, a SHA-256 of it and of every configured token, a Map and a Set)
 * was a tenth of a gate answer's own work. The tokens are fixed for the daemon's life, so a header's caller is too.
 * Refused values are remembered as well (a flood of wrong tokens costs a lookup each), and the memo is bounded.
 * What a lookup can tell by its timing is only whether that exact header was sent before, never how close a guess is.
 */
function rememberedIdentity(tokens: Tokens): (authorization: string | undefined) => Identity {
  return boundedMemo(IDENTITY_CACHE_SIZE, (authorization: string | undefined) => identifyCaller(tokens, authorization));
}

/**
 * The access check itself, on plain values: the middleware and the gate's fast path (policy/gate-fast-path.ts) both
 * ask it, so there is one reading of credentials and one route table however a request is answered.
 */
export function checkAccess(tokens: Tokens, scope: Scope | undefined, authorization: string | undefined, peer: string | undefined, policy?: OpenRemotePolicy, identity: Identity = identifyCaller(tokens, authorization)): AccessCheck {
  const { caller, credentials } = identity;
  if (scope === undefined) return { caller, credentials, scope };
  if (!holds(caller, scope)) return { caller, credentials, scope, refused: 'scope' };
  if (refusedRemotely(scope, policy, tokens, caller, peer)) return { caller, credentials, scope, refused: 'remote' };
  return { caller, credentials, scope };
}

/** What every request goes through: who the caller is, set as `caller`, and a 401 when it lacks what `needs` says. */
function guard(tokens: Tokens, needs: (method: string, path: string) => Scope | undefined, policy?: OpenRemotePolicy): MiddlewareHandler {
  return async (c, next) => {
    const peer = peerAddress(c);
    const check = checkAccess(tokens, needs(c.req.method, c.req.path), requestHeader(c, 'authorization'), peer, policy);
    c.set('caller', check.caller);
    if (check.refused === 'scope' && check.scope !== undefined) {
      c.header('WWW-Authenticate', `Bearer realm="sloe", scope="${check.scope}"`);
      throw refusal(check.scope, check.credentials);
    }
    if (check.refused === 'remote') {
      throw new SloeError('remote_access_refused', `${check.scope} requests from ${peer ?? 'an unknown peer'} are refused: ${policy?.reason ?? ''}`, { status: 403 });
    }
    await next();
  };
}

/** A route's scope from the table, undefined for a public route. */
function scopeOf(table: RouteTable, method: string, path: string): Scope | undefined {
  const access = table.accessOf(method, path);
  return access === 'public' ? undefined : access;
}

/**
 * The access check for callers outside hono (the gate's fast path), bound to a route: the caller when the request
 * may proceed, else undefined, and the request goes on to the middleware, which answers the 401 or 403 (one place
 * makes refusals). Bound once per method and path, so a caller that remembers the check (per URL) does not look
 * the route's scope up again; the caller of a header value is remembered across routes (`rememberedIdentity`).
 */
export function routeAuthorizer(tokens: Tokens, table: RouteTable = new RouteTable(), policy?: OpenRemotePolicy): (method: string, path: string) => RouteCheck {
  const identify = rememberedIdentity(tokens);
  return (method, path) => {
    const scope = scopeOf(table, method, path);
    return (authorization, peer) => {
      const check = checkAccess(tokens, scope, authorization, peer, policy, identify(authorization));
      return check.refused === undefined ? check.caller : undefined;
    };
  };
}

/** The daemon's middleware: each request needs what the route table says; the caller is set for the handlers. */
export function authenticate(tokens: Tokens, table: RouteTable = new RouteTable(), policy?: OpenRemotePolicy): MiddlewareHandler {
  return guard(tokens, (method, path) => scopeOf(table, method, path), policy);
}

/** The same check for one component's routes mounted on their own (tests, embedding): every request needs `scope`. */
export function requireScope(scope: Scope, tokens: Tokens): MiddlewareHandler {
  return guard(tokens, () => scope);
}
