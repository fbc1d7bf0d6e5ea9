import type { MiddlewareHandler } from 'hono';
import { SloeError, holds, requestHeader } from '../core/index.js';
import type { Caller, Scope } from '../core/index.js';
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

/** What every request goes through: who the caller is, set as `caller`, and a 401 when it lacks what `needs` says. */
function guard(tokens: Tokens, needs: (method: string, path: string) => Scope | undefined, policy?: OpenRemotePolicy): MiddlewareHandler {
  return async (c, next) => {
    const credentials = parseCredentials(requestHeader(c, 'authorization'));
    const caller = callerFor(tokens, credentials.kind === 'token' ? credentials.token : undefined);
    c.set('caller', caller);
    const scope = needs(c.req.method, c.req.path);
    if (scope !== undefined && !holds(caller, scope)) {
      c.header('WWW-Authenticate', `Bearer realm="sloe", scope="${scope}"`);
      throw refusal(scope, credentials);
    }
    if (scope !== undefined && refusedRemotely(scope, policy, tokens, caller, peerAddress(c))) {
      throw new SloeError('remote_access_refused', `${scope} requests from ${peerAddress(c) ?? 'an unknown peer'} are refused: ${policy?.reason ?? ''}`, { status: 403 });
    }
    await next();
  };
}

/** The daemon's middleware: each request needs what the route table says; the caller is set for the handlers. */
export function authenticate(tokens: Tokens, table: RouteTable = new RouteTable(), policy?: OpenRemotePolicy): MiddlewareHandler {
  return guard(
    tokens,
    (method, path) => {
      const access = table.accessOf(method, path);
      return access === 'public' ? undefined : access;
    },
    policy,
  );
}

/** The same check for one component's routes mounted on their own (tests, embedding): every request needs `scope`. */
export function requireScope(scope: Scope, tokens: Tokens): MiddlewareHandler {
  return guard(tokens, () => scope);
}
