import { malformed } from './malformed.js';

/** Protobuf wire types. */
export const VARINT = 0;
export const FIXED64 = 1;
export const LENGTH_DELIMITED = 2;
export const FIXED32 = 5;

const TWO_32 = 4_294_967_296;

/**
 * A reader over protobuf wire bytes, written for sloe's few messages: no schema, no objects per field, every read
 * bounds-checked (a truncated or hostile body becomes a 400, never an out-of-range read). Offsets are absolute
 * positions in `bytes`, so callers can remember where a field is and come back to it without copying.
 */
export class ProtoReader {
  readonly bytes: Uint8Array;
  /** The same bytes as a DataView (offsets are offsets into `bytes`): for reading fixed-width fields and hashing. */
  readonly view: DataView;
  pos: number;
  end: number;

  constructor(bytes: Uint8Array, start = 0, end = bytes.length) {
    this.bytes = bytes;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.pos = start;
    this.end = end;
  }

  /** Moves the reader onto another range of the same bytes (reusing one reader in loops). */
  reset(start: number, end: number): this {
    this.pos = start;
    this.end = end;
    return this;
  }

  done(): boolean {
    return this.pos >= this.end;
  }

  /** Reads a tag; returns `field << 3 | wireType`. */
  tag(): number {
    const tag = this.uint32();
    if (tag >>> 3 === 0) throw malformed(`invalid protobuf field number 0 at byte ${this.pos}`);
    return tag;
  }

  /** A varint of up to 32 bits (longer varints are read whole and truncated, as protobuf does for uint32). */
  uint32(): number {
    const bytes = this.bytes;
    let pos = this.pos;
    if (pos >= this.end) throw truncated(pos);
    let byte = bytes[pos++]!;
    let value = byte & 0x7f;
    if (byte < 0x80) {
      this.pos = pos;
      return value;
    }
    let shift = 7;
    for (;;) {
      if (pos >= this.end) throw truncated(pos);
      byte = bytes[pos++]!;
      if (shift < 32) value |= (byte & 0x7f) << shift;
      if (byte < 0x80) break;
      shift += 7;
      if (shift >= 70) throw malformed(`varint longer than 10 bytes at byte ${pos}`);
    }
    this.pos = pos;
    return value >>> 0;
  }

  /** A signed int64 varint as a number (exact up to 2^53, which covers every millisecond timestamp). */
  int64(): number {
    const bytes = this.bytes;
    let pos = this.pos;
    let low = 0;
    let high = 0;
    let shift = 0;
    let byte = 0x80;
    // Bits 0-27 into low, bits 28-31 split across the fifth byte, the rest into high.
    while (byte >= 0x80) {
      if (pos >= this.end) throw truncated(pos);
      if (shift >= 70) throw malformed(`varint longer than 10 bytes at byte ${pos}`);
      byte = bytes[pos++]!;
      const bits = byte & 0x7f;
      if (shift < 28) low |= bits << shift;
      else if (shift === 28) {
        low |= (bits & 0x0f) << 28;
        high |= bits >>> 4;
      } else high |= bits << (shift - 32);
      shift += 7;
    }
    this.pos = pos;
    low >>>= 0;
    if (high & 0x80000000) {
      // Two's complement negative.
      const negLow = (~low + 1) >>> 0;
      const negHigh = (~high + (negLow === 0 ? 1 : 0)) >>> 0;
      return -(negHigh * TWO_32 + negLow);
    }
    return (high >>> 0) * TWO_32 + low;
  }

  /** A zigzag-encoded sint32. */
  sint32(): number {
    const value = this.uint32();
    return (value >>> 1) ^ -(value & 1);
  }

  bool(): boolean {
    return this.uint32() !== 0;
  }

  double(): number {
    const pos = this.pos;
    if (pos + 8 > this.end) throw truncated(pos);
    this.pos = pos + 8;
    return this.view.getFloat64(pos, true);
  }

  /** An unsigned fixed64 as a number (exact up to 2^53). */
  fixed64(): number {
    const pos = this.pos;
    if (pos + 8 > this.end) throw truncated(pos);
    this.pos = pos + 8;
    return this.view.getUint32(pos + 4, true) * TWO_32 + this.view.getUint32(pos, true);
  }

  /** A signed fixed64 as a number. */
  sfixed64(): number {
    const pos = this.pos;
    if (pos + 8 > this.end) throw truncated(pos);
    this.pos = pos + 8;
    return this.view.getInt32(pos + 4, true) * TWO_32 + this.view.getUint32(pos, true);
  }

  fixed32(): number {
    const pos = this.pos;
    if (pos + 4 > this.end) throw truncated(pos);
    this.pos = pos + 4;
    return this.view.getUint32(pos, true);
  }

  /** Reads a length prefix and returns the end offset of the field's bytes (which start at `pos`). */
  delimitedEnd(): number {
    const length = this.uint32();
    const end = this.pos + length;
    if (end > this.end) throw malformed(`length ${length} at byte ${this.pos} runs past the end of its message`);
    return end;
  }

  /** Reads a length-delimited string. */
  string(): string {
    const end = this.delimitedEnd();
    const start = this.pos;
    this.pos = end;
    return decodeUtf8(this.bytes, start, end);
  }

  /** Skips a field of the given wire type. */
  skip(wireType: number): void {
    switch (wireType) {
      case VARINT:
        this.int64();
        return;
      case FIXED64:
        if (this.pos + 8 > this.end) throw truncated(this.pos);
        this.pos += 8;
        return;
      case LENGTH_DELIMITED:
        this.pos = this.delimitedEnd();
        return;
      case FIXED32:
        if (this.pos + 4 > this.end) throw truncated(this.pos);
        this.pos += 4;
        return;
      case 3: {
        // A deprecated group: skip fields until its end tag.
        for (;;) {
          const tag = this.tag();
          if ((tag & 7) === 4) return;
          this.skip(tag & 7);
        }
      }
      default:
        throw malformed(`invalid protobuf wire type ${wireType} at byte ${this.pos}`);
    }
  }

  /** Checks a field's wire type, so a body with the right field numbers but wrong types is refused, not misread. */
  expect(tag: number, wireType: number, what: string): void {
    if ((tag & 7) !== wireType) throw malformed(`${what}: wire type ${tag & 7}, expected ${wireType}`);
  }
}

function truncated(pos: number): Error {
  return malformed(`truncated protobuf message at byte ${pos}`);
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

type Slicer = (this: Uint8Array, start: number, end: number) => string;
/** Node's native latin1 slice: for ASCII bytes it is the string, and it is several times faster than building one. */
const latin1Slice = (Buffer.prototype as unknown as { latin1Slice?: Slicer }).latin1Slice;

/** Decodes UTF-8, with a fast path for the ASCII strings that label names and values nearly always are. */
export function decodeUtf8(bytes: Uint8Array, start: number, end: number): string {
  if (latin1Slice !== undefined) {
    let i = start;
    while (i < end && bytes[i]! < 0x80) i++;
    if (i === end) return latin1Slice.call(bytes, start, end);
  }
  return decodeStrict(bytes, start, end);
}

function decodeStrict(bytes: Uint8Array, start: number, end: number): string {
  try {
    return strictUtf8.decode(bytes.subarray(start, end));
  } catch (error) {
    throw malformed(`invalid UTF-8 in a string at byte ${start}`, error);
  }
}

/** True when bytes[start, end) equal the ASCII text. */
export function bytesEqualAscii(bytes: Uint8Array, start: number, end: number, ascii: Uint8Array): boolean {
  if (end - start !== ascii.length) return false;
  for (let i = 0; i < ascii.length; i++) if (bytes[start + i] !== ascii[i]) return false;
  return true;
}
