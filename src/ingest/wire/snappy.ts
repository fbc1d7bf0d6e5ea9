import { uncompressSync } from 'snappy';
import { SloeError } from '../../core/index.js';
import { malformed } from './malformed.js';

/**
 * The uncompressed length a snappy block declares in its varint header. Read before inflating, so a body that
 * declares gigabytes (a snappy bomb) is refused without allocating them.
 */
export function snappyDeclaredLength(block: Uint8Array): number {
  let value = 0;
  for (let i = 0; i < 5; i++) {
    const byte = block[i];
    if (byte === undefined) throw malformed('snappy: truncated length header');
    value += (byte & 0x7f) * 2 ** (7 * i);
    if (byte < 0x80) return value;
  }
  throw malformed('snappy: length header longer than 5 bytes');
}

/** Inflates a snappy block (the format remote write uses, not the framed one), refusing more than `maxBytes`. */
export function inflateSnappy(block: Uint8Array, maxBytes: number): Uint8Array {
  const declared = snappyDeclaredLength(block);
  if (declared > maxBytes) {
    throw new SloeError('payload_too_large', `snappy body declares ${declared} bytes uncompressed; the limit is ${maxBytes}`, { status: 413 });
  }
  try {
    // copyOutputData: without it every call pins an external buffer and memory grows under load.
    const out = uncompressSync(block, { asBuffer: true, copyOutputData: true });
    if (typeof out === 'string') throw new Error('snappy returned a string');
    return out;
  } catch (error) {
    throw malformed(`snappy: ${error instanceof Error ? error.message : String(error)}`, error);
  }
}
