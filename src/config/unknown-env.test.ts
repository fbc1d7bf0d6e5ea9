import { describe, expect, it } from 'vitest';
import { unknownVariables } from './unknown-env.js';

describe('unknownVariables', () => {
  it('names SLOE_* variables that are no key, with the nearest one when close', () => {
    expect(unknownVariables({ SLOE_LISTN: 'x', SLOE_LISTEN: 'y', SLOE_AUTH_READTOKEN: 'z', SLOE_SOMETHING_ELSE_ENTIRELY: '1', SLOE_URL: 'u', PATH: '/bin' })).toEqual([
      { name: 'SLOE_AUTH_READTOKEN', suggestion: 'SLOE_AUTH_READ_TOKEN' },
      { name: 'SLOE_LISTN', suggestion: 'SLOE_LISTEN' },
      { name: 'SLOE_SOMETHING_ELSE_ENTIRELY' },
    ]);
  });
});
