import { createHash, timingSafeEqual } from 'node:crypto';
import type { Caller, Scope } from '../core/index.js';

/** `auth.*` of the configuration. A scope whose token is unset is open. */
export interface Tokens {
  readonly readToken?: string | undefined;
  readonly writeToken?: string | undefined;
  readonly adminToken?: string | undefined;
}

const SCOPES: readonly Scope[] = ['read', 'write', 'admin'];

function digest(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

/**
 * The one token comparison. Constant time whatever the strings: both sides are hashed to 32 bytes first, since
 * timingSafeEqual needs equal lengths and a length check would leak the token's length.
 */
export function tokensEqual(given: string, expected: string): boolean {
  return timingSafeEqual(digest(given), digest(expected));
}

function tokenOf(tokens: Tokens, scope: Scope): string | undefined {
  return scope === 'read' ? tokens.readToken : scope === 'write' ? tokens.writeToken : tokens.adminToken;
}

/**
 * The scopes a presented token (or none) grants: an open scope to anyone, a scope to its own token, every scope to
 * the admin token. Every configured token is compared every time, so timing does not tell which one matched.
 */
export function callerFor(tokens: Tokens, presented: string | undefined): Caller {
  const matched = new Map<Scope, boolean>();
  for (const scope of SCOPES) {
    const expected = tokenOf(tokens, scope);
    matched.set(scope, expected !== undefined && presented !== undefined && tokensEqual(presented, expected));
  }
  const admin = matched.get('admin') === true;
  const scopes = new Set<Scope>();
  for (const scope of SCOPES) {
    if (tokenOf(tokens, scope) === undefined || admin || matched.get(scope) === true) scopes.add(scope);
  }
  return { scopes };
}
