import { malformed } from '../wire/malformed.js';
import { ProtoReader } from '../wire/protobuf.js';

// Top-level field numbers of each version's request: 1.0 WriteRequest has timeseries = 1 and metadata = 3; 2.0
// Request has symbols = 4 and timeseries = 5 and reserves 1 to 3, so the two never share a field.
const V1_FIELDS = new Set([1, 3]);
const V2_FIELDS = new Set([4, 5]);

const NAMES = { 1: 'remote write 1.0 (prometheus.WriteRequest)', 2: 'remote write 2.0 (io.prometheus.write.v2.Request)' } as const;
const CONTENT_TYPES = { 1: 'application/x-protobuf;proto=prometheus.WriteRequest', 2: 'application/x-protobuf;proto=io.prometheus.write.v2.Request' } as const;

/**
 * Refuses a body of the other remote-write version than its Content-Type announces. Either decoder skips the other
 * version's fields as unknown, so such a body decodes to no series and would be acknowledged and lost; the route calls
 * this only for a body that decoded to no series, which keeps it off the path of every well-formed request.
 */
export function assertRemoteWriteVersion(body: Uint8Array, announced: 1 | 2): void {
  const foreign = announced === 1 ? V2_FIELDS : V1_FIELDS;
  const actual = announced === 1 ? 2 : 1;
  const reader = new ProtoReader(body);
  while (!reader.done()) {
    const tag = reader.tag();
    if (foreign.has(tag >>> 3)) {
      throw malformed(
        `the body is ${NAMES[actual]} (it has field ${tag >>> 3}) but Content-Type announces ${NAMES[announced]}; send it with Content-Type ${CONTENT_TYPES[actual]}`,
      );
    }
    reader.skip(tag & 7);
  }
}
