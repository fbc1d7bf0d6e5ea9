import fc from 'fast-check';
import { compressSync, uncompressSync } from 'snappy';
import { describe, expect, it } from 'vitest';
import { withInflatedSnappy } from './snappy.js';

/** The bytes as a Buffer copy (the inflated ones are valid only inside the callback). */
const inflate = (block: Uint8Array, maxBytes = 1 << 24): Buffer => withInflatedSnappy(block, maxBytes, (bytes) => Buffer.from(bytes));

/** What the native snappy library (the reference implementation's port) makes of a block: its bytes, or that it fails. */
function nativeInflate(block: Uint8Array): Buffer | 'fails' {
  try {
    const out = uncompressSync(Buffer.from(block), { asBuffer: true });
    return typeof out === 'string' ? 'fails' : Buffer.from(out);
  } catch {
    return 'fails';
  }
}

/** Bytes a compressor finds matches in: runs, repeats at short and long distances, label-like text. */
const compressible = fc
  .array(
    fc.oneof(
      fc.uint8Array({ maxLength: 80 }),
      fc.tuple(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 1, max: 300 })).map(([byte, count]) => new Uint8Array(count).fill(byte)),
      fc.constantFrom('__name__', 'http_requests_total', 'job', 'checkout', 'instance', '10.0.0.1:9090', 'le', '0.25').map((text) => new TextEncoder().encode(text)),
    ),
    { maxLength: 60 },
  )
  .chain((parts) => fc.integer({ min: 1, max: 4 }).map((times) => Buffer.concat(Array.from({ length: times }, () => Buffer.concat(parts)))));

describe('snappy block bodies', () => {
  it('reads the declared length from the varint header', () => {
    expect(inflate(compressSync(Buffer.alloc(300))).length).toBe(300);
    expect(() => inflate(Uint8Array.from([0xff, 0xff, 0xff, 0xff, 0x0f]))).toThrow(/declares 4294967295 bytes uncompressed/);
    expect(() => inflate(Uint8Array.from([0x80, 0x80]))).toThrow(/truncated length header/);
    expect(() => inflate(Uint8Array.from([0x80, 0x80, 0x80, 0x80, 0x80, 0x01]))).toThrow(/longer than 5 bytes/);
  });

  it('inflates up to the limit and refuses a larger declaration with 413 before inflating', () => {
    const text = Buffer.from('remote write '.repeat(100));
    expect(inflate(compressSync(text), text.length).toString()).toBe(text.toString());
    expect(() => inflate(compressSync(text), text.length - 1)).toThrow(expect.objectContaining({ status: 413 }));
  });

  it('refuses a corrupt block with 400', () => {
    const block = compressSync(Buffer.from('x'.repeat(100)));
    expect(() => inflate(block.subarray(0, block.length - 2))).toThrow(expect.objectContaining({ status: 400, message: expect.stringMatching(/^snappy:/) }));
    // A copy from before the first byte, a literal past the block's end, fewer bytes than declared.
    expect(() => inflate(Uint8Array.from([4, 0x01, 0x05]))).toThrow(/corrupt block: copy from offset 5 at byte 0/);
    expect(() => inflate(Uint8Array.from([4, 0x0c, 0x61]))).toThrow(/literal runs past the end/);
    expect(() => inflate(Uint8Array.from([4, 0x00, 0x61]))).toThrow(/inflated to 1 bytes; the header declares 4/);
  });

  it('inflates what the native library compressed, byte for byte, at every size and in overlapping copies', () => {
    fc.assert(
      fc.property(compressible, (data) => {
        expect(inflate(compressSync(data)).equals(data)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('agrees with the native library on arbitrary and damaged blocks: the same bytes, or both refuse', () => {
    const damaged = fc.tuple(compressible, fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 })).map(([data, edits]) => {
      const block = Uint8Array.from(compressSync(data));
      for (const [at, byte] of edits) block[at % block.length] = byte;
      return block;
    });
    fc.assert(
      fc.property(fc.oneof(damaged, fc.uint8Array({ maxLength: 64 })), (block) => {
        const native = nativeInflate(block);
        let ours: Buffer | 'fails';
        try {
          ours = inflate(block);
        } catch (error) {
          // 413: a damaged header declaring more than the limit (these small blocks cannot inflate to that much).
          expect([400, 413]).toContain((error as { status?: number }).status);
          ours = 'fails';
        }
        expect(ours).toEqual(native);
      }),
      { numRuns: 500 },
    );
  });

  it('gives a nested inflate its own bytes, and the scratch bytes to the next body once the first is done', () => {
    const first = Buffer.from('first body '.repeat(50));
    const second = Buffer.from('second body '.repeat(40));
    const seen = withInflatedSnappy(compressSync(first), 1 << 20, (outer) => {
      const inner = withInflatedSnappy(compressSync(second), 1 << 20, (bytes) => {
        expect(bytes.buffer).not.toBe(outer.buffer);
        return Buffer.from(bytes).toString();
      });
      return [Buffer.from(outer).toString(), inner, outer.buffer] as const;
    });
    expect(seen[0]).toBe(first.toString());
    expect(seen[1]).toBe(second.toString());
    withInflatedSnappy(compressSync(second), 1 << 20, (bytes) => expect(bytes.buffer).toBe(seen[2]));
  });
});
