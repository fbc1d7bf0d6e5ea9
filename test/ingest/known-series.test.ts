/**
 * The receive path's fast lane: a remote-write 1.0 series met before is found by the bytes of its label fields
 * (the engine's encoded-series index) and its samples reach the engine without labels. Every figure is checked against
 * increases worked out here from the raw samples, and against the same requests sent through the labelled path.
 */
import { describe, expect, it } from 'vitest';
import { HOUR, MINUTE } from '../../src/core/index.js';
import type { AppendRequest, EngineStore } from '../../src/core/index.js';
import { Engine } from '../../src/engine/index.js';
import { decodeWriteRequestV1 } from '../../src/ingest/index.js';
import type { DecodedBatch } from '../../src/ingest/index.js';
import { openMemoryStore } from '../../src/store/index.js';
import { REQUESTS, makeSlo, specsOf } from '../engine/fixtures.js';
import { encodeV1 } from './schemas.js';
import type { PlainSeries } from './schemas.js';

const T0 = Date.UTC(2026, 10, 2, 12);
const TOTAL_TERM = `${REQUESTS}{job="api"}`;
const BAD_TERM = `${REQUESTS}{code=~"5..",job="api"}`;
const CODES = ['200', '404', '500', '503'];

/** Round r of a stream: the SLI's counters (job api), the same metric of another job (name read, series not), noise. */
function round(r: number): PlainSeries[] {
  const at = T0 + r * MINUTE;
  return [
    ...CODES.map((code, i) => ({ labels: { __name__: REQUESTS, code, job: 'api' }, samples: [{ value: counterValue(r, i), timestamp: at }] })),
    { labels: { __name__: REQUESTS, code: '200', job: 'batch' }, samples: [{ value: 10 * r, timestamp: at }] },
    { labels: { __name__: 'go_goroutines', job: 'api' }, samples: [{ value: 7, timestamp: at }] },
  ];
}

/** A counter that grows by 10 × (i + 1) a round and resets to 3 at round 4. */
function counterValue(r: number, i: number): number {
  return r < 4 ? 100 + r * 10 * (i + 1) : 3 + (r - 4) * 10 * (i + 1);
}

/** The oracle: Prometheus-style increases summed over rounds 1..last (round 0 is every series' baseline). */
function expectedIncrease(codes: readonly number[], last: number): number {
  let sum = 0;
  for (const i of codes) for (let r = 1; r <= last; r++) sum += r === 4 ? counterValue(4, i) : counterValue(r, i) - counterValue(r - 1, i);
  return sum;
}

function newEngine(store: EngineStore = openMemoryStore().engine): Engine {
  const { documents, journal } = openMemoryStore();
  return new Engine({ specs: specsOf(makeSlo({})), store, documents, journal, clock: () => T0 + HOUR });
}

function decode(engine: Engine, body: Uint8Array, useIndex = true): DecodedBatch {
  return decodeWriteRequestV1(body, { wantsMetric: (name) => engine.wantsMetric(name), maxSeries: 1000, ...(useIndex ? { encodedSeries: engine.encodedSeries } : {}) });
}

function request(batch: DecodedBatch): AppendRequest {
  return batch.known === undefined ? { series: batch.series, protocol: 'remote_write' } : { series: batch.series, known: batch.known, protocol: 'remote_write' };
}

describe('known series on the remote-write receive path', () => {
  it('labels a series once, then finds it by its label bytes; counts equal the oracle and the labelled path', () => {
    const fast = newEngine();
    const labelled = newEngine();
    for (let r = 0; r < 8; r++) {
      const body = encodeV1(round(r));
      const batch = decode(fast, body);
      if (r === 0) {
        // First sight: the 4 api series and the batch one are labelled (the name is read), the gauge is not.
        expect(batch.series.map((one) => one.labels.job)).toEqual(['api', 'api', 'api', 'api', 'batch']);
        expect(batch.series.every((one) => one.encodedLabels !== undefined)).toBe(true);
        expect(batch.known).toBeUndefined();
      } else {
        // Known: no labels built. The batch series is known to be read by no SLI: dropped at a hash lookup.
        expect(batch.series).toEqual([]);
        expect(batch.known?.length).toBe(4);
        expect(batch.stats.unmatched).toBe(2);
      }
      const result = fast.appendGroup([request(batch)])[0]!;
      expect(result.applied).toBe(4);
      labelled.appendGroup([request(decode(labelled, body, false))]);
      const all = [0, 1, 2, 3];
      expect(fast.termEvents(TOTAL_TERM, T0 - HOUR, T0 + HOUR)).toBe(expectedIncrease(all, r));
      expect(fast.termEvents(BAD_TERM, T0 - HOUR, T0 + HOUR)).toBe(expectedIncrease([2, 3], r));
      expect(labelled.termEvents(TOTAL_TERM, T0 - HOUR, T0 + HOUR)).toBe(fast.termEvents(TOTAL_TERM, T0 - HOUR, T0 + HOUR));
    }
  });

  it('a redelivered request counts once on the fast path too', () => {
    const engine = newEngine();
    for (let r = 0; r < 3; r++) engine.appendGroup([request(decode(engine, encodeV1(round(r))))]);
    const again = engine.appendGroup([request(decode(engine, encodeV1(round(2))))])[0]!;
    expect(again).toEqual({ received: 4, applied: 0, dropped: { duplicate: 4 } });
    expect(engine.termEvents(TOTAL_TERM, T0 - HOUR, T0 + HOUR)).toBe(expectedIncrease([0, 1, 2, 3], 2));
  });

  it('a failed commit changes nothing: the series go back to their committed state and the resent request counts once', () => {
    const store = openMemoryStore().engine;
    let failNext = false;
    const failing: EngineStore = Object.assign(Object.create(store) as EngineStore, {
      commit: (...args: Parameters<EngineStore['commit']>) => {
        if (failNext) {
          failNext = false;
          throw new Error('disk full');
        }
        store.commit(...args);
      },
    });
    const engine = newEngine(failing);
    engine.appendGroup([request(decode(engine, encodeV1(round(0))))]);
    engine.appendGroup([request(decode(engine, encodeV1(round(1))))]);
    failNext = true;
    const body = encodeV1(round(2));
    expect(() => engine.appendGroup([request(decode(engine, body))])).toThrow('disk full');
    expect(engine.termEvents(TOTAL_TERM, T0 - HOUR, T0 + HOUR)).toBe(expectedIncrease([0, 1, 2, 3], 1));
    // The sender retries: the increase since round 1 is counted, exactly once.
    expect(engine.appendGroup([request(decode(engine, body))])[0]!.applied).toBe(4);
    expect(engine.termEvents(TOTAL_TERM, T0 - HOUR, T0 + HOUR)).toBe(expectedIncrease([0, 1, 2, 3], 2));
  });

  it('a series first seen in a group whose commit fails is not remembered: the retry labels it again', () => {
    const store = openMemoryStore().engine;
    let fail = true;
    const failing: EngineStore = Object.assign(Object.create(store) as EngineStore, {
      commit: (...args: Parameters<EngineStore['commit']>) => {
        if (fail) throw new Error('disk full');
        store.commit(...args);
      },
    });
    const engine = newEngine(failing);
    const body = encodeV1(round(0));
    expect(() => engine.appendGroup([request(decode(engine, body))])).toThrow('disk full');
    fail = false;
    const retry = decode(engine, body);
    // The api series are labelled again; the batch one stays known as read by no SLI (that holds whatever commits).
    expect(retry.series.map((one) => one.labels.code)).toEqual(CODES);
    expect(retry.stats.unmatched).toBe(2);
    engine.appendGroup([request(retry)]);
    engine.appendGroup([request(decode(engine, encodeV1(round(1))))]);
    expect(engine.termEvents(TOTAL_TERM, T0 - HOUR, T0 + HOUR)).toBe(expectedIncrease([0, 1, 2, 3], 1));
  });

  it('handles decoded against an engine since replaced (a reload) are found again by their key', () => {
    const store = openMemoryStore().engine;
    const before = newEngine(store);
    before.appendGroup([request(decode(before, encodeV1(round(0))))]);
    const decodedEarlier = decode(before, encodeV1(round(1)));
    expect(decodedEarlier.known?.length).toBe(4);
    // The reload: a new engine on the same store takes the request decoded against the old one.
    const after = newEngine(store);
    expect(after.appendGroup([request(decodedEarlier)])[0]!.applied).toBe(4);
    expect(after.termEvents(TOTAL_TERM, T0 - HOUR, T0 + HOUR)).toBe(expectedIncrease([0, 1, 2, 3], 1));
  });

  it('labels split by another field are not looked up by their bytes, and still count', () => {
    const engine = newEngine();
    let looked = 0;
    const index = engine.encodedSeries;
    const spy = { find: (body: DataView, start: number, end: number) => (looked++, index.find(body, start, end)) };
    const split = (value: number, timestamp: number) =>
      writeRequest(timeSeries(label('__name__', REQUESTS), label('code', '200'), sample(value, timestamp), label('job', 'api')));
    for (let r = 0; r < 3; r++) {
      const batch = decodeWriteRequestV1(split(100 + 5 * r, T0 + r * MINUTE), { wantsMetric: (name) => engine.wantsMetric(name), maxSeries: 10, encodedSeries: spy });
      expect(batch.series).toHaveLength(1);
      expect(batch.series[0]!.encodedLabels).toBeUndefined();
      engine.appendGroup([request(batch)]);
    }
    expect(looked).toBe(0);
    expect(engine.termEvents(TOTAL_TERM, T0 - HOUR, T0 + HOUR)).toBe(10);
  });
});

// A hand-rolled protobuf writer, for a field order protobufjs never writes.
function varint(value: number): number[] {
  const out: number[] = [];
  while (value >= 0x80) {
    out.push((value & 0x7f) | 0x80);
    value = Math.floor(value / 128);
  }
  out.push(value);
  return out;
}
function field(number: number, bytes: readonly number[]): number[] {
  return [...varint((number << 3) | 2), ...varint(bytes.length), ...bytes];
}
function text(value: string): number[] {
  return [...new TextEncoder().encode(value)];
}
function label(name: string, value: string): number[] {
  return field(1, [...field(1, text(name)), ...field(2, text(value))]);
}
function sample(value: number, timestamp: number): number[] {
  const double = new Uint8Array(new Float64Array([value]).buffer);
  return field(2, [(1 << 3) | 1, ...double, (2 << 3) | 0, ...varint(timestamp)]);
}
function timeSeries(...parts: number[][]): number[] {
  return parts.flat();
}
function writeRequest(series: number[]): Uint8Array {
  return new Uint8Array(field(1, series));
}
