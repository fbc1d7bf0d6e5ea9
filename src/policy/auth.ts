import { createHash, timingSafeEqual } from 'node:crypto';
import type { Context } from 'hono';
import { SloeError } from '../core/index.js';

/** The tokens the gate endpoints check; unset means open, as `auth.*` in the configuration says. */
export interface GateTokens {
  /** Needed to ask a gate and read decisions and freezes (the admin token is accepted too). */
  readonly readToken?: string;
  /** Needed for overrides: without it, override labels are refused (the gate still answers). */
  readonly adminToken?: string;
}

/**
 * Compares in constant time. Both sides are hashed first so that neither the length nor a common prefix of the
 * expected token leaks through timing.
 */
export function tokensEqual(presented: string, expected: string): boolean {
  const a = createHash('sha256').update(presented).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

/** The bearer token of an `Authorization` header; undefined when there is none. */
export function bearerToken(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1];
}

export interface Access {
  /** The caller may use overrides. */
  readonly admin: boolean;
}

/**
 * Checks a request against the tokens: 401 without a valid one where a token is configured. The token itself is
 * never put in an error, a log line or a record.
 */
export function checkAccess(c: Context, tokens: GateTokens): Access {
  const presented = bearerToken(c.req.header('authorization'));
  const holdsAdmin = presented !== undefined && tokens.adminToken !== undefined && tokensEqual(presented, tokens.adminToken);
  const admin = tokens.adminToken === undefined || holdsAdmin;
  if (tokens.readToken !== undefined && !holdsAdmin) {
    if (presented === undefined) throw new SloeError('unauthorized', 'this endpoint needs a bearer token (auth.readToken)', { status: 401 });
    if (!tokensEqual(presented, tokens.readToken)) throw new SloeError('unauthorized', 'the bearer token is not valid for this endpoint', { status: 401 });
  }
  return { admin };
}

/** For policy administration (manual freezes): 401 without the admin token where one is configured. */
export function requireAdmin(c: Context, tokens: GateTokens): void {
  if (tokens.adminToken === undefined) return;
  const presented = bearerToken(c.req.header('authorization'));
  if (presented === undefined) throw new SloeError('unauthorized', 'this endpoint needs the admin bearer token (auth.adminToken)', { status: 401 });
  if (!tokensEqual(presented, tokens.adminToken)) throw new SloeError('unauthorized', 'the bearer token is not the admin token', { status: 401 });
}
