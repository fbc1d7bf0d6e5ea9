/**
 * Who is calling, as the daemon's HTTP layer decided it: the scopes the caller holds, never the token that proved
 * them. Handlers read it from the request context instead of checking tokens again.
 */

/** read: status, history, queries, gates, /metrics. write: ingest. admin: reload and changes of state. */
export type Scope = 'read' | 'write' | 'admin';

/** What a route needs: one scope, or nothing (`public`: probes and the web UI's files). */
export type RouteAccess = Scope | 'public';

export interface Caller {
  /** The scopes this request may use: those whose token it presented, those left open, all of them for admin. */
  readonly scopes: ReadonlySet<Scope>;
}

/** A caller in a daemon without tokens: every scope is open. */
export const UNRESTRICTED_CALLER: Caller = { scopes: new Set<Scope>(['read', 'write', 'admin']) };

/**
 * The caller of a request, or the unrestricted caller when no auth middleware ran: a component mounted on its own
 * (in a test, or without tokens) behaves as the open daemon does.
 */
export function callerOrOpen(caller: Caller | undefined): Caller {
  return caller ?? UNRESTRICTED_CALLER;
}

/**
 * The access check of one route, made outside the HTTP framework (the gate's fast path): the caller of a request with
 * this Authorization header from this peer, or undefined when the request would be refused.
 */
export type RouteCheck = (authorization: string | undefined, peer: string | undefined) => Caller | undefined;

export function holds(caller: Caller, scope: Scope): boolean {
  return caller.scopes.has(scope);
}
