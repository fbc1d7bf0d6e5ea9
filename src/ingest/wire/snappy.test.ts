import { compressSync } from 'snappy';
import { describe, expect, it } from 'vitest';
import { inflateSnappy, snappyDeclaredLength } from './snappy.js';

describe('snappy block bodies', () => {
  it('reads the declared length from the varint header', () => {
    expect(snappyDeclaredLength(compressSync(Buffer.alloc(300)))).toBe(300);
    expect(snappyDeclaredLength(Uint8Array.from([0xff, 0xff, 0xff, 0xff, 0x0f]))).toBe(2 ** 32 - 1);
    expect(() => snappyDeclaredLength(Uint8Array.from([0x80, 0x80]))).toThrow(/truncated length header/);
    expect(() => snappyDeclaredLength(Uint8Array.from([0x80, 0x80, 0x80, 0x80, 0x80, 0x01]))).toThrow(/longer than 5 bytes/);
  });

  it('inflates up to the limit and refuses a larger declaration with 413 before inflating', () => {
    const text = Buffer.from('remote write '.repeat(100));
    expect(Buffer.from(inflateSnappy(compressSync(text), text.length)).toString()).toBe(text.toString());
    expect(() => inflateSnappy(compressSync(text), text.length - 1)).toThrow(expect.objectContaining({ status: 413 }));
  });

  it('refuses a corrupt block with 400', () => {
    const block = compressSync(Buffer.from('x'.repeat(100)));
    expect(() => inflateSnappy(block.subarray(0, block.length - 2), 1000)).toThrow(expect.objectContaining({ status: 400, message: expect.stringMatching(/^snappy:/) }));
  });
});
