import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bytesEqual, hashBytes, viewOf } from './byte-hash.js';

const text = (value: string) => viewOf(new TextEncoder().encode(value));

describe('hashBytes', () => {
  it('is MurmurHash3 x86 32-bit (seed 0), reduced to its low 30 bits', () => {
    // Published test vectors of MurmurHash3_x86_32 with seed 0.
    const vectors: [string, number][] = [
      ['', 0x00000000],
      ['hello', 0x248bfa47],
      ['Hello, world!', 0xc0363e43],
      ['The quick brown fox jumps over the lazy dog', 0x2e4ff723],
    ];
    for (const [input, murmur] of vectors) {
      const view = text(input);
      expect(hashBytes(view, 0, view.byteLength)).toBe(murmur & 0x3fffffff);
    }
  });

  it('hashes a range the same wherever it lies', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 80 }), fc.nat(7), (bytes, offset) => {
        const padded = new Uint8Array(offset + bytes.length + 3);
        padded.set(bytes, offset);
        expect(hashBytes(viewOf(padded), offset, offset + bytes.length)).toBe(hashBytes(viewOf(bytes), 0, bytes.length));
      }),
    );
  });
});

describe('bytesEqual', () => {
  it('agrees with a byte-by-byte comparison, at any offsets and lengths', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 64 }), fc.nat(63), fc.integer({ min: 1, max: 255 }), fc.nat(5), (bytes, at, flip, offset) => {
        const copy = new Uint8Array(offset + bytes.length);
        copy.set(bytes, offset);
        const a = viewOf(bytes);
        const b = viewOf(copy);
        expect(bytesEqual(a, 0, b, offset, bytes.length)).toBe(true);
        copy[offset + (at % bytes.length)]! ^= flip;
        expect(bytesEqual(a, 0, b, offset, bytes.length)).toBe(false);
      }),
    );
  });
});
