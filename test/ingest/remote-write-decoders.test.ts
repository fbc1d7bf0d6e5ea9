import { describe, expect, it } from 'vitest';
import { SloeError } from '../../src/core/index.js';
import { decodeWriteRequestV1, decodeWriteRequestV2 } from '../../src/ingest/index.js';
import { RequestV2, encode, encodeV1, encodeV2 } from './schemas.js';

const wants = (...names: string[]) => ({ wantsMetric: (name: string) => names.includes(name), maxSeries: 1000 });
const T = 1_764_158_400_000;

describe('remote write 1.0 decoder, against protobufjs encoding the upstream schema', () => {
  it('keeps only the series an SLI needs, with every label and sample, whatever the label order', () => {
    const body = encodeV1(
      [
        { labels: { __name__: 'http_requests_total', code: '500', job: 'api' }, samples: [{ value: 3, timestamp: T }] },
        { labels: { job: 'api', code: '200', __name__: 'http_requests_total', path: '/ünïcode' }, samples: [{ value: 10, timestamp: T }, { value: 12.5, timestamp: T + 15_000 }] },
        { labels: { __name__: 'go_goroutines', job: 'api' }, samples: [{ value: 7, timestamp: T }] },
      ],
      { metadata: [{ type: 1, metric_family_name: 'http_requests_total', help: 'requests' }] },
    );
    const { series, stats } = decodeWriteRequestV1(body, wants('http_requests_total'));
    expect(series).toEqual([
      { labels: { __name__: 'http_requests_total', code: '500', job: 'api' }, timestamps: [T], values: [3] },
      { labels: { __name__: 'http_requests_total', code: '200', job: 'api', path: '/ünïcode' }, timestamps: [T, T + 15_000], values: [10, 12.5] },
    ]);
    expect(stats).toMatchObject({ series: 3, samples: 4, unmatched: 1, invalid: 0, metadata: 1 });
  });

  it('accepts exemplars and native histograms without error, counting them', () => {
    const body = encodeV1([], {
      timeseries: [
        {
          labels: [{ name: '__name__', value: 'latency' }],
          samples: [{ value: 1, timestamp: T }],
          exemplars: [{ labels: [{ name: 'trace_id', value: 'abc' }], value: 0.2, timestamp: T }],
          histograms: [{ count_int: 3, sum: 1.5, schema: 3, positive_spans: [{ offset: 0, length: 1 }], positive_deltas: [3], timestamp: T }],
        },
      ],
    });
    const { series, stats } = decodeWriteRequestV1(body, wants('latency'));
    expect(series).toHaveLength(1);
    expect(stats).toMatchObject({ exemplars: 1, histograms: 1, samples: 1 });
  });

  it('keeps special float values and negative and large timestamps exactly', () => {
    const samples = [
      { value: Number.NaN, timestamp: -1 },
      { value: Number.POSITIVE_INFINITY, timestamp: 2 ** 52 + 1 },
      { value: -0.000001, timestamp: 0 },
      { value: 1e300, timestamp: -(2 ** 40) },
    ];
    const { series } = decodeWriteRequestV1(encodeV1([{ labels: { __name__: 'm' }, samples }]), wants('m'));
    expect(series[0]?.timestamps).toEqual(samples.map((s) => s.timestamp));
    expect(series[0]?.values).toEqual(samples.map((s) => s.value));
  });

  it('refuses, sample by sample, series without a name or with a label twice; drops empty label values', () => {
    const body = encodeV1([], {
      timeseries: [
        { labels: [{ name: 'job', value: 'x' }], samples: [{ value: 1, timestamp: T }] },
        { labels: [{ name: '__name__', value: 'm' }, { name: 'a', value: '1' }, { name: 'a', value: '2' }], samples: [{ value: 1, timestamp: T }] },
        { labels: [{ name: '__name__', value: 'm' }, { name: 'empty', value: '' }], samples: [{ value: 1, timestamp: T }] },
      ],
    });
    const { series, stats } = decodeWriteRequestV1(body, wants('m'));
    expect(series).toEqual([{ labels: { __name__: 'm' }, timestamps: [T], values: [1] }]);
    expect(stats.invalid).toBe(2);
    expect(stats.invalidReasons).toEqual(['series without a __name__ label', 'series m has label a twice']);
  });

  it('turns every truncation of a valid body into a 400, never a crash', () => {
    const body = encodeV1([{ labels: { __name__: 'm', job: 'a' }, samples: [{ value: 1, timestamp: T }] }]);
    for (let cut = 1; cut < body.length; cut++) {
      try {
        decodeWriteRequestV1(body.subarray(0, cut), wants('m'));
      } catch (error) {
        expect(error).toBeInstanceOf(SloeError);
        expect((error as SloeError).status).toBe(400);
      }
    }
    expect(() => decodeWriteRequestV1(body.subarray(0, body.length - 1), wants('m'))).toThrow(/truncated|past the end/);
  });

  it('refuses more series than the limit with 413', () => {
    const body = encodeV1(Array.from({ length: 5 }, (_, i) => ({ labels: { __name__: `m${i}` }, samples: [{ value: 1, timestamp: T }] })));
    expect(() => decodeWriteRequestV1(body, { wantsMetric: () => true, maxSeries: 4 })).toThrow(expect.objectContaining({ status: 413 }));
  });
});

describe('remote write 2.0 decoder', () => {
  it('resolves labels through the symbol table and keeps only wanted series', () => {
    const body = encodeV2([
      { labels: { __name__: 'http_requests_total', job: 'api', code: '500' }, samples: [{ value: 3, timestamp: T }], type: 1, createdTimestamp: T - 60_000 },
      { labels: { job: 'api', __name__: 'queue_depth' }, samples: [{ value: 9, timestamp: T }], type: 2 },
      { labels: { __name__: 'other', job: 'api' }, samples: [{ value: 1, timestamp: T }] },
    ]);
    const { series, stats } = decodeWriteRequestV2(body, wants('http_requests_total', 'queue_depth'));
    expect(series).toEqual([
      { labels: { __name__: 'http_requests_total', job: 'api', code: '500' }, timestamps: [T], values: [3], startTimeMs: T - 60_000 },
      { labels: { job: 'api', __name__: 'queue_depth' }, timestamps: [T], values: [9], temporality: 'gauge' },
    ]);
    expect(stats).toMatchObject({ series: 3, samples: 3, unmatched: 1 });
  });

  it('refuses label references outside the symbol table and an odd number of references with 400', () => {
    const outside = encode(RequestV2, { symbols: ['', '__name__', 'm'], timeseries: [{ labels_refs: [1, 9], samples: [{ value: 1, timestamp: T }] }] });
    expect(() => decodeWriteRequestV2(outside, wants('m'))).toThrow(expect.objectContaining({ status: 400, message: expect.stringMatching(/outside the symbol table/) }));
    const odd = encode(RequestV2, { symbols: ['', '__name__', 'm'], timeseries: [{ labels_refs: [1, 2, 1], samples: [{ value: 1, timestamp: T }] }] });
    expect(() => decodeWriteRequestV2(odd, wants('m'))).toThrow(expect.objectContaining({ status: 400 }));
    const firstNotEmpty = encode(RequestV2, { symbols: ['x'], timeseries: [] });
    expect(() => decodeWriteRequestV2(firstNotEmpty, wants('m'))).toThrow(/first symbol/);
  });
});
