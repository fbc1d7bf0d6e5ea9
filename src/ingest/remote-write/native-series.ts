import type { IncomingSeries } from '../../core/index.js';
import { rejectSamples } from '../decoded.js';
import type { DecodeOptions, DecodeStats } from '../decoded.js';
import { nativeHistogramSeries, wantsNative } from '../native-histogram.js';
import type { NativeHistogram } from '../native-histogram.js';
import type { ProtoReader } from '../wire/protobuf.js';
import { readHistogram } from './histogram-proto.js';
import type { Offsets } from './series-builder.js';

/**
 * One series' native histogram samples (message ranges in `ranges`) as the classic series SLIs read, when some SLI
 * reads `name`'s `_bucket`, `_count` or `_sum`; otherwise they are accepted and dropped as unmatched. `labels` builds
 * the series' labels (undefined: refused, already counted). `seriesStart` is the series' own start time (2.0's
 * created_timestamp before rc.4), used where a histogram has none.
 */
export function readNativeSeries(name: string, labels: () => Record<string, string> | undefined, reader: ProtoReader, ranges: Offsets, options: DecodeOptions, stats: DecodeStats, out: IncomingSeries[], seriesStart = 0): void {
  const count = ranges.length / 2;
  if (!wantsNative(name, (metric) => options.wantsMetric(metric))) {
    stats.unmatched += count;
    return;
  }
  const built = labels();
  if (!built) {
    stats.invalidHistograms += count;
    return;
  }
  const timestamps: number[] = [];
  const histograms: NativeHistogram[] = [];
  const startTimes: number[] = [];
  for (let i = 0; i < count; i++) {
    reader.reset(ranges.data[2 * i]!, ranges.data[2 * i + 1]!);
    const decoded = readHistogram(reader, ranges.data[2 * i + 1]!);
    if (typeof decoded === 'string') {
      stats.invalidHistograms++;
      rejectSamples(stats, 0, `series ${name}: ${decoded}`);
      continue;
    }
    timestamps.push(decoded.timestamp);
    histograms.push(decoded.histogram);
    startTimes.push(decoded.startTimestamp || seriesStart);
  }
  if (histograms.length === 0) return;
  nativeHistogramSeries({ labels: built, timestamps, histograms, startTimesMs: startTimes }, { wantsMetric: (metric) => options.wantsMetric(metric), bucketBounds: (metric) => options.bucketBounds?.(metric) ?? [] }, out);
}
