/**
 * The one reading of an `Authorization` header. Bearer carries the token itself (Prometheus' `authorization`, OTLP
 * exporters' headers, the CLI, the UI); Basic carries it as the password under any username (Prometheus'
 * `basic_auth`, which has no way to send a bearer token).
 */
export type Credentials =
  | { readonly kind: 'none' }
  | { readonly kind: 'token'; readonly scheme: 'bearer' | 'basic'; readonly token: string }
  /** A header that is present but unreadable; `problem` says why, and never repeats the header. */
  | { readonly kind: 'malformed'; readonly problem: string };

const NONE: Credentials = { kind: 'none' };
// Standard base64 with optional padding: Buffer.from would silently skip anything else and decode garbage.
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=|[A-Za-z0-9+/]{2,3})?$/;

function malformed(problem: string): Credentials {
  return { kind: 'malformed', problem };
}

export function parseCredentials(header: string | undefined): Credentials {
  if (header === undefined || header.trim() === '') return NONE;
  const match = /^\s*(\S+)(?:\s+(.*?))?\s*$/.exec(header);
  const scheme = match?.[1]?.toLowerCase();
  const value = match?.[2] ?? '';
  if (scheme !== 'bearer' && scheme !== 'basic') return malformed('the scheme is neither Bearer nor Basic');
  if (value === '') return malformed(`the ${scheme === 'bearer' ? 'Bearer' : 'Basic'} scheme carries no credentials`);
  if (scheme === 'bearer') return /\s/.test(value) ? malformed('a bearer token has no spaces') : { kind: 'token', scheme, token: value };
  if (!BASE64.test(value)) return malformed('Basic credentials are not base64');
  const decoded = Buffer.from(value, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return malformed('Basic credentials have no colon between username and password');
  const password = decoded.slice(colon + 1);
  if (password === '') return malformed('Basic credentials have an empty password (the token goes there)');
  return { kind: 'token', scheme, token: password };
}
