import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signBody, verifySignature } from './sign.js';

describe('signBody', () => {
  it('is sha256=<hex HMAC-SHA256 of the raw body>, as receivers recompute it', () => {
    const body = '{"specversion":"1.0"}';
    expect(signBody(body, 'k')).toBe(`sha256=${createHmac('sha256', 'k').update(body).digest('hex')}`);
    expect(signBody(Buffer.from(body), 'k')).toBe(signBody(body, 'k'));
  });

  it('verifies only the right body and secret', () => {
    const header = signBody('body', 'secret');
    expect(verifySignature('body', 'secret', header)).toBe(true);
    expect(verifySignature('body!', 'secret', header)).toBe(false);
    expect(verifySignature('body', 'other', header)).toBe(false);
    expect(verifySignature('body', 'secret', undefined)).toBe(false);
    expect(verifySignature('body', 'secret', 'sha256=short')).toBe(false);
  });
});
