/**
 * Micro-benchmark of the remote-write 1.0 decoder on a realistic 2,000-series request: sloe's hand-written decoder
 * (which builds labels only for the tenth of series an SLI reads) against protobufjs decoding the same bytes into
 * objects. Run: `npx tsx bench/ingest/decoder.ts`.
 */
import { decodeWriteRequestV1 } from '../../src/ingest/index.js';
import { WriteRequestV1 } from '../../test/ingest/schemas.js';
import { median } from '../lib.js';
import { SLI_METRIC, requestV1 } from './payload.js';

const SERIES = 2000;
const bodies = Array.from({ length: 50 }, (_, i) => requestV1(SERIES, 1_764_158_400_000 + i * 15_000));
const options = { wantsMetric: (name: string) => name === SLI_METRIC, maxSeries: 100_000 };

function samplesPerSecond(decode: (body: Uint8Array) => number, rounds: number): number {
  const started = process.hrtime.bigint();
  let kept = 0;
  for (let round = 0; round < rounds; round++) for (const body of bodies) kept += decode(body);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (kept === 0) throw new Error('nothing decoded');
  return (rounds * bodies.length * SERIES) / seconds;
}

export function measureDecoders(runs = 5, rounds = 10): { sloe: number[]; protobufjs: number[] } {
  const sloe: number[] = [];
  const protobufjs: number[] = [];
  // Warm up both.
  samplesPerSecond((body) => decodeWriteRequestV1(body, options).series.length, 2);
  samplesPerSecond((body) => (WriteRequestV1.decode(body) as unknown as { timeseries: unknown[] }).timeseries.length, 2);
  for (let run = 0; run < runs; run++) {
    sloe.push(samplesPerSecond((body) => decodeWriteRequestV1(body, options).series.length, rounds));
    protobufjs.push(samplesPerSecond((body) => (WriteRequestV1.decode(body) as unknown as { timeseries: unknown[] }).timeseries.length, rounds));
  }
  return { sloe, protobufjs };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { sloe, protobufjs } = measureDecoders();
  console.log(`remote-write 1.0 decode, ${SERIES} series/request, 1 in 10 matching: sloe ${Math.round(median(sloe)).toLocaleString('en-US')} samples/s, protobufjs ${Math.round(median(protobufjs)).toLocaleString('en-US')} samples/s, ratio ${(median(sloe) / median(protobufjs)).toFixed(2)}`);
}
