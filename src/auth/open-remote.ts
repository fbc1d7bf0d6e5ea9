import { isIP } from 'node:net';
import type { Context } from 'hono';
import type { Scope } from '../core/index.js';
import type { Tokens } from './tokens.js';

/** The scopes an open daemon keeps to its own machine: whoever can write or administer can change what it says. */
const GUARDED_SCOPES: readonly Scope[] = ['write', 'admin'];

/** Whether a listen host reaches only this machine (127.0.0.0/8, ::1, localhost); `0.0.0.0`, `::` and names do not. */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (bare === 'localhost') return true;
  return isIP(bare) !== 0 && isLoopbackAddress(bare);
}

/** Whether a peer's address is this machine's loopback (IPv4, IPv6, and IPv4 mapped into IPv6). */
export function isLoopbackAddress(address: string): boolean {
  const bare = address.toLowerCase().replace(/^::ffff:/, '');
  return bare === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(bare);
}

/** The remote address of the socket a request came in on (@hono/node-server puts the IncomingMessage in env). */
export function peerAddress(c: Context): string | undefined {
  const env = c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined;
  return env?.incoming?.socket?.remoteAddress;
}

/**
 * Secure defaults for a daemon reachable from the network: the write and admin scopes whose token is unset are open
 * only to loopback peers. The container image listens on all interfaces, so a forgotten token would otherwise let
 * anyone on the network feed or reconfigure it. `auth.allowOpenRemote: true` opts out.
 */
export interface OpenRemotePolicy {
  /** Scopes refused to non-loopback peers (empty: nothing is restricted). */
  readonly restricted: ReadonlySet<Scope>;
  /** Why, as logged at start and sent with each refusal. */
  readonly reason: string;
}

export function openRemotePolicy(listenHost: string, tokens: Tokens, allowOpenRemote: boolean): OpenRemotePolicy {
  const open = GUARDED_SCOPES.filter((scope) => (scope === 'write' ? tokens.writeToken : tokens.adminToken) === undefined);
  if (isLoopbackHost(listenHost) || open.length === 0) return { restricted: new Set(), reason: '' };
  const keys = open.map((scope) => `auth.${scope}Token`).join(' and ');
  if (allowOpenRemote) return { restricted: new Set(), reason: `listening on ${listenHost} with ${keys} unset and auth.allowOpenRemote: true: ${open.join(' and ')} requests are open to every host that can reach it` };
  return {
    restricted: new Set(open),
    reason: `listening on ${listenHost} with ${keys} unset: ${open.join(' and ')} requests from other hosts are refused (403); set ${keys}, or auth.allowOpenRemote: true to accept them from anyone`,
  };
}
