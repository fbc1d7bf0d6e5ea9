import { createHash, timingSafeEqual } from 'node:crypto';
import { SloeError } from '../../core/index.js';

/** Decides whether an Authorization header may write. */
export type TokenCheck = (authorization: string | undefined) => boolean;

/**
 * The check for a configured write token: `Authorization: Bearer <token>` (Prometheus' `authorization`, OTLP
 * exporters' headers) or Basic with the token as password (Prometheus' `basic_auth`). Compared in constant time.
 */
export function bearerTokenCheck(token: string): TokenCheck {
  const expected = digest(token);
  return (authorization) => {
    if (!authorization) return false;
    const space = authorization.indexOf(' ');
    if (space < 0) return false;
    const scheme = authorization.slice(0, space).toLowerCase();
    const credentials = authorization.slice(space + 1).trim();
    let presented: string | undefined;
    if (scheme === 'bearer') presented = credentials;
    else if (scheme === 'basic') {
      const decoded = Buffer.from(credentials, 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      presented = colon < 0 ? undefined : decoded.slice(colon + 1);
    }
    return presented !== undefined && timingSafeEqual(digest(presented), expected);
  };
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

export function unauthorized(): SloeError {
  return new SloeError('unauthorized', 'a valid write token is required (Authorization: Bearer <token>)', { status: 401 });
}
