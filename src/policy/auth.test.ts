import { describe, expect, it } from 'vitest';
import { bearerToken, tokensEqual } from './auth.js';

describe('tokens', () => {
  it('compares whole tokens only', () => {
    expect(tokensEqual('s3cret', 's3cret')).toBe(true);
    expect(tokensEqual('s3cre', 's3cret')).toBe(false);
    expect(tokensEqual('s3cret-and-more', 's3cret')).toBe(false);
    expect(tokensEqual('', 's3cret')).toBe(false);
  });

  it('reads a bearer token and nothing else', () => {
    expect(bearerToken('Bearer abc.def')).toBe('abc.def');
    expect(bearerToken('bearer   abc')).toBe('abc');
    expect(bearerToken('Basic dXNlcjpwYXNz')).toBeUndefined();
    expect(bearerToken('Bearer a b')).toBeUndefined();
    expect(bearerToken(undefined)).toBeUndefined();
  });
});
