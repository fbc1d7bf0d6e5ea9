import { describe, expect, it } from 'vitest';
import { callerFor, tokensEqual } from './tokens.js';
import type { Tokens } from './tokens.js';

const tokens = { readToken: 'read-secret', writeToken: 'write-secret', adminToken: 'admin-secret' };
const scopes = (presented: string | undefined, configured: Tokens = tokens) => [...callerFor(configured, presented).scopes].sort();

describe('tokensEqual', () => {
  it('compares whole tokens only, whatever the lengths', () => {
    expect(tokensEqual('s3cret', 's3cret')).toBe(true);
    expect(tokensEqual('s3cre', 's3cret')).toBe(false);
    expect(tokensEqual('s3cret-and-more', 's3cret')).toBe(false);
    expect(tokensEqual('abc', 'abd')).toBe(false);
    expect(tokensEqual('', 's3cret')).toBe(false);
  });
});

describe('callerFor', () => {
  it('grants each token its own scope and the admin token every scope', () => {
    expect(scopes('read-secret')).toEqual(['read']);
    expect(scopes('write-secret')).toEqual(['write']);
    expect(scopes('admin-secret')).toEqual(['admin', 'read', 'write']);
  });

  it('grants nothing to a wrong or missing token where every token is set', () => {
    expect(scopes('nope')).toEqual([]);
    expect(scopes(undefined)).toEqual([]);
  });

  it('leaves a scope whose token is unset open to anyone', () => {
    expect(scopes(undefined, { adminToken: 'admin-secret' })).toEqual(['read', 'write']);
    expect(scopes(undefined, {})).toEqual(['admin', 'read', 'write']);
    expect(scopes('read-secret', { readToken: 'read-secret' })).toEqual(['admin', 'read', 'write']);
  });
});
