import { bytesEqual, hashBytes } from '../../core/index.js';
import { malformed } from './malformed.js';

/**
 * Inlinable protobuf primitives for the hottest loops (remote write), working on a local byte array and position
 * instead of a reader object: each returns the new position and leaves the value read in `read.value`.
 */
export const read = { value: 0 };

export function truncatedAt(pos: number): Error {
  return malformed(`truncated protobuf message at byte ${pos}`);
}

/** A varint of up to 32 bits; longer ones are read whole and truncated, as protobuf does for uint32. */
export function varint(bytes: Uint8Array, pos: number, end: number): number {
  if (pos >= end) throw truncatedAt(pos);
  let byte = bytes[pos++]!;
  if (byte < 0x80) {
    read.value = byte;
    return pos;
  }
  let value = byte & 0x7f;
  let shift = 7;
  do {
    if (pos >= end) throw truncatedAt(pos);
    if (shift >= 70) throw malformed(`varint longer than 10 bytes at byte ${pos}`);
    byte = bytes[pos++]!;
    if (shift < 32) value |= (byte & 0x7f) << shift;
    shift += 7;
  } while (byte >= 0x80);
  read.value = value >>> 0;
  return pos;
}

/** Reads a length prefix; `read.value` is the end of the field's bytes, which start at the returned position. */
export function delimited(bytes: Uint8Array, pos: number, end: number): number {
  pos = varint(bytes, pos, end);
  const fieldEnd = pos + read.value;
  if (fieldEnd > end) throw malformed(`length ${read.value} at byte ${pos} runs past the end of its message`);
  read.value = fieldEnd;
  return pos;
}

/** Skips one field of the given wire type. */
export function skipField(bytes: Uint8Array, pos: number, end: number, wireType: number): number {
  switch (wireType) {
    case 0:
      for (let i = 0; i < 10; i++) {
        if (pos >= end) throw truncatedAt(pos);
        if (bytes[pos++]! < 0x80) return pos;
      }
      throw malformed(`varint longer than 10 bytes at byte ${pos}`);
    case 1:
      if (pos + 8 > end) throw truncatedAt(pos);
      return pos + 8;
    case 2:
      delimited(bytes, pos, end);
      return read.value;
    case 5:
      if (pos + 4 > end) throw truncatedAt(pos);
      return pos + 4;
    default:
      throw malformed(`invalid protobuf wire type ${wireType} at byte ${pos}`);
  }
}

/**
 * Where equal byte strings were seen before in one body, keyed by a hash: lets a decoder judge a metric name once per
 * request instead of once per series, without making a string for each occurrence.
 */
export class SeenNames {
  private readonly slots = new Map<number, { start: number; end: number; wanted: boolean }[]>();

  constructor(private readonly view: DataView) {}

  hash(start: number, end: number): number {
    return hashBytes(this.view, start, end);
  }

  /** The verdict for these bytes, or undefined when not seen yet. */
  find(hash: number, start: number, end: number): boolean | undefined {
    const entries = this.slots.get(hash);
    if (entries === undefined) return undefined;
    const length = end - start;
    for (const entry of entries) {
      if (entry.end - entry.start === length && bytesEqual(this.view, entry.start, this.view, start, length)) return entry.wanted;
    }
    return undefined;
  }

  remember(hash: number, start: number, end: number, wanted: boolean): void {
    const entries = this.slots.get(hash);
    if (entries === undefined) this.slots.set(hash, [{ start, end, wanted }]);
    else entries.push({ start, end, wanted });
  }
}
