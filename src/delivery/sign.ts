import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * `sha256=<hex HMAC-SHA256 of the raw body>`, the format of GitHub's `X-Hub-Signature-256`: the notify webhook sends it
 * as `X-Sloe-Signature`, freeze/thaw CloudEvents as `x-sloe-signature-256`, so receivers verify both the same way.
 */
export function signBody(body: string | Uint8Array, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/** For receivers (and tests): whether a signature header is right for this body, compared in constant time. */
export function verifySignature(body: string | Uint8Array, secret: string, header: string | undefined | null): boolean {
  if (typeof header !== 'string') return false;
  const expected = Buffer.from(signBody(body, secret));
  const given = Buffer.from(header);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
