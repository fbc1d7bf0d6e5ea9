import { SloeError } from '../../core/index.js';
import { malformed } from './malformed.js';

/**
 * Snappy blocks (the format remote write uses, not the framed one), inflated in JavaScript into bytes reused request
 * after request.
 *
 * Why not the native `snappy` package: it returns a new buffer for every body, about 100 KB per Prometheus request,
 * and V8 counts every such buffer as external memory. At remote write's full speed that is a few hundred megabytes a
 * second, and each 64 MB of it starts a full mark-compact of the heap: four a second, each pausing the event loop for
 * about 10 ms, and the gate's answers wait behind them (bench/gate/NOTES.md, "Snappy without a buffer per request").
 * Inflating into a kept scratch buffer allocates nothing, at about 25 µs more CPU per request than the native call
 * (90 µs against 66 µs for a 500-series request).
 */

/** The most bytes the scratch buffer grows to; a body inflating to more gets a buffer of its own, dropped after use. */
const SCRATCH_MAX_BYTES = 4 * 1024 * 1024;
let scratch = new Uint8Array(256 * 1024);
/** The scratch buffer is lent to a `use` callback that has not returned (a nested inflate gets its own bytes). */
let lent = false;

/** A block's declared (uncompressed) length and where its first element starts. */
const header = { length: 0, start: 0 };

/**
 * Reads the uncompressed length a snappy block declares in its varint header into `header`. Read before inflating,
 * so a body that declares gigabytes (a snappy bomb) is refused without allocating them.
 */
function readHeader(block: Uint8Array): void {
  let value = 0;
  for (let i = 0; i < 5; i++) {
    const byte = block[i];
    if (byte === undefined) throw malformed('snappy: truncated length header');
    value += (byte & 0x7f) * 2 ** (7 * i);
    if (byte < 0x80) {
      header.length = value;
      header.start = i + 1;
      return;
    }
  }
  throw malformed('snappy: length header longer than 5 bytes');
}

/**
 * Inflates `block`, refusing more than `maxBytes` (413, before inflating) and a corrupt block (400), and calls `use`
 * with the bytes. They are valid only until `use` returns: the next body is inflated into the same memory, so `use`
 * copies whatever it keeps (the remote-write decoders copy labels into strings and samples into typed arrays).
 */
export function withInflatedSnappy<T>(block: Uint8Array, maxBytes: number, use: (bytes: Uint8Array) => T): T {
  readHeader(block);
  const length = header.length;
  if (length > maxBytes) {
    throw new SloeError('payload_too_large', `snappy body declares ${length} bytes uncompressed; the limit is ${maxBytes}`, { status: 413 });
  }
  if (lent || length > SCRATCH_MAX_BYTES) return use(inflate(block, header.start, new Uint8Array(length), length));
  if (scratch.length < length) scratch = new Uint8Array(Math.min(SCRATCH_MAX_BYTES, Math.max(length, 2 * scratch.length)));
  lent = true;
  try {
    return use(inflate(block, header.start, scratch, length));
  } finally {
    lent = false;
  }
}

// Element tags (the low two bits of an element's first byte).
const LITERAL = 0;
const COPY_1 = 1;
const COPY_2 = 2;
/** Below this many bytes a copy is made byte by byte: a call to copyWithin or set costs more than the loop. */
const SHORT_COPY = 16;

/** Inflates the elements of `block` from `pos` into `out`, which must hold `length` bytes; returns out[0, length). */
function inflate(block: Uint8Array, pos: number, out: Uint8Array, length: number): Uint8Array {
  const end = block.length;
  let op = 0;
  while (pos < end) {
    const tag = block[pos++]!;
    const kind = tag & 3;
    if (kind === LITERAL) {
      let size = tag >>> 2;
      if (size >= 60) {
        // 60 to 63: the size minus one follows in 1 to 4 little-endian bytes.
        const bytes = size - 59;
        if (pos + bytes > end) throw corrupt('truncated literal length');
        size = 0;
        // Kept to int32 arithmetic (a float here would make every position after it a float); a size of 2^31 or
        // more reads as negative, and no block is that long.
        for (let i = 0; i < bytes; i++) size |= block[pos + i]! << (8 * i);
        if (size < 0) throw corrupt('literal runs past the end of the block');
        pos += bytes;
      }
      size += 1;
      if (pos + size > end) throw corrupt('literal runs past the end of the block');
      if (op + size > length) throw corrupt('literal runs past the declared length');
      if (size < SHORT_COPY) for (let i = 0; i < size; i++) out[op + i] = block[pos + i]!;
      else out.set(block.subarray(pos, pos + size), op);
      pos += size;
      op += size;
      continue;
    }
    let size: number;
    let offset: number;
    if (kind === COPY_1) {
      if (pos >= end) throw corrupt('truncated copy');
      size = ((tag >>> 2) & 7) + 4;
      offset = ((tag >>> 5) << 8) | block[pos++]!;
    } else if (kind === COPY_2) {
      if (pos + 2 > end) throw corrupt('truncated copy');
      size = (tag >>> 2) + 1;
      offset = block[pos]! | (block[pos + 1]! << 8);
      pos += 2;
    } else {
      if (pos + 4 > end) throw corrupt('truncated copy');
      size = (tag >>> 2) + 1;
      offset = (block[pos]! | (block[pos + 1]! << 8) | (block[pos + 2]! << 16) | (block[pos + 3]! << 24)) >>> 0;
      pos += 4;
    }
    if (offset === 0 || offset > op) throw corrupt(`copy from offset ${offset} at byte ${op}`);
    if (op + size > length) throw corrupt('copy runs past the declared length');
    let from = op - offset;
    // An overlapping copy (offset < size) repeats the bytes it has just written, so it must go byte by byte.
    if (size >= SHORT_COPY && offset >= size) {
      out.copyWithin(op, from, from + size);
      op += size;
    } else {
      const stop = op + size;
      while (op < stop) out[op++] = out[from++]!;
    }
  }
  if (op !== length) throw corrupt(`inflated to ${op} bytes; the header declares ${length}`);
  return out.subarray(0, length);
}

function corrupt(reason: string): SloeError {
  return malformed(`snappy: corrupt block: ${reason}`);
}
