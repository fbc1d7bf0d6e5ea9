import type { IncomingSeries } from '../../core/index.js';
import { emptyStats, rejectSamples } from '../decoded.js';
import type { DecodeOptions, DecodeStats, DecodedBatch } from '../decoded.js';
import { tooManySeries } from '../limits.js';
import { SeenNames, delimited, read, skipField, varint } from '../wire/cursor.js';
import { LENGTH_DELIMITED, ProtoReader, bytesEqualAscii, decodeUtf8 } from '../wire/protobuf.js';
import { Offsets, readSamples } from './series-builder.js';
import { readNativeSeries } from './native-series.js';

const NAME_LABEL = new TextEncoder().encode('__name__');

// Tags of prometheus.WriteRequest (remote write 1.0): timeseries = 1, metadata = 3.
const TIMESERIES = (1 << 3) | LENGTH_DELIMITED;
const METADATA = (3 << 3) | LENGTH_DELIMITED;
// prometheus.TimeSeries: labels = 1, samples = 2, exemplars = 3, histograms = 4.
const LABEL = (1 << 3) | LENGTH_DELIMITED;
const SAMPLE = (2 << 3) | LENGTH_DELIMITED;
const EXEMPLAR = (3 << 3) | LENGTH_DELIMITED;
const HISTOGRAM = (4 << 3) | LENGTH_DELIMITED;
// prometheus.Label: name = 1, value = 2.
const LABEL_NAME = (1 << 3) | LENGTH_DELIMITED;
const LABEL_VALUE = (2 << 3) | LENGTH_DELIMITED;

/** Label offsets as four numbers each: name start, name end, value start, value end. */
const labelOffsets = new Offsets(256);
const sampleOffsets = new Offsets(32);
const histogramOffsets = new Offsets(32);

/**
 * Decodes a remote-write 1.0 `WriteRequest`. Each series' labels are first only located (offsets); its metric name
 * is judged against the SLI index (once per distinct name per request), and only series some SLI needs get label
 * objects and samples. Label order is not assumed. Native histograms an SLI reads become `_bucket`, `_count` and `_sum`
 * series (native-histogram.ts); exemplars and metadata are counted and skipped.
 */
export function decodeWriteRequestV1(body: Uint8Array, options: DecodeOptions): DecodedBatch {
  const stats = emptyStats();
  const series: IncomingSeries[] = [];
  const seen = new SeenNames(body);
  const scratch = new ProtoReader(body);
  const end = body.length;
  let pos = 0;
  while (pos < end) {
    pos = varint(body, pos, end);
    const tag = read.value;
    if (tag === TIMESERIES) {
      pos = delimited(body, pos, end);
      const seriesEnd = read.value;
      if (++stats.series > options.maxSeries) throw tooManySeries(options.maxSeries);
      scanSeries(body, pos, seriesEnd, stats);
      const kept = keepSeries(body, scratch, seen, options, stats);
      if (kept) series.push(kept);
      if (histogramOffsets.length > 0) keepHistograms(body, scratch, options, stats, series);
      pos = seriesEnd;
    } else {
      if (tag === METADATA) stats.metadata++;
      pos = skipField(body, pos, end, tag >>> 3 === 0 ? -1 : tag & 7);
    }
  }
  return { series, stats };
}

/** Locates the labels and samples of one TimeSeries into the scratch offsets. */
function scanSeries(bytes: Uint8Array, pos: number, end: number, stats: DecodeStats): void {
  labelOffsets.length = 0;
  sampleOffsets.length = 0;
  histogramOffsets.length = 0;
  while (pos < end) {
    pos = varint(bytes, pos, end);
    const tag = read.value;
    if (tag === LABEL) {
      pos = delimited(bytes, pos, end);
      const labelEnd = read.value;
      let nameStart = 0;
      let nameEnd = 0;
      let valueStart = 0;
      let valueEnd = 0;
      while (pos < labelEnd) {
        pos = varint(bytes, pos, labelEnd);
        const field = read.value;
        if (field === LABEL_NAME) {
          nameStart = delimited(bytes, pos, labelEnd);
          pos = nameEnd = read.value;
        } else if (field === LABEL_VALUE) {
          valueStart = delimited(bytes, pos, labelEnd);
          pos = valueEnd = read.value;
        } else pos = skipField(bytes, pos, labelEnd, field & 7);
      }
      labelOffsets.push(nameStart, nameEnd);
      labelOffsets.push(valueStart, valueEnd);
    } else if (tag === SAMPLE) {
      pos = delimited(bytes, pos, end);
      sampleOffsets.push(pos, read.value);
      pos = read.value;
    } else if (tag === HISTOGRAM) {
      pos = delimited(bytes, pos, end);
      histogramOffsets.push(pos, read.value);
      stats.histograms++;
      pos = read.value;
    } else {
      if (tag === EXEMPLAR) stats.exemplars++;
      pos = skipField(bytes, pos, end, tag >>> 3 === 0 ? -1 : tag & 7);
    }
  }
}

/** Judges the scanned series by its name and, when an SLI needs it, builds it. */
function keepSeries(bytes: Uint8Array, scratch: ProtoReader, seen: SeenNames, options: DecodeOptions, stats: DecodeStats): IncomingSeries | undefined {
  const sampleCount = sampleOffsets.length / 2;
  stats.samples += sampleCount;
  if (sampleCount === 0) return undefined;

  const offsets = labelOffsets.data;
  const labelCount = labelOffsets.length / 4;
  let nameIndex = -1;
  for (let i = 0; i < labelCount; i++) {
    if (bytesEqualAscii(bytes, offsets[4 * i]!, offsets[4 * i + 1]!, NAME_LABEL)) {
      nameIndex = i;
      break;
    }
  }
  const nameStart = nameIndex < 0 ? 0 : offsets[4 * nameIndex + 2]!;
  const nameEnd = nameIndex < 0 ? 0 : offsets[4 * nameIndex + 3]!;
  if (nameStart === nameEnd) {
    rejectSamples(stats, sampleCount, 'series without a __name__ label');
    return undefined;
  }
  const hash = SeenNames.hash(bytes, nameStart, nameEnd);
  let wanted = seen.find(hash, nameStart, nameEnd);
  if (wanted === undefined) {
    wanted = options.wantsMetric(decodeUtf8(bytes, nameStart, nameEnd));
    seen.remember(hash, nameStart, nameEnd, wanted);
  }
  if (!wanted) {
    stats.unmatched += sampleCount;
    return undefined;
  }

  const labels = buildLabels(bytes, nameStart, nameEnd, sampleCount, stats);
  if (!labels) return undefined;
  const { timestamps, values } = readSamples(scratch, sampleOffsets);
  return { labels, timestamps, values };
}

/** The scanned series' labels, or undefined (its samples refused) when a label name is empty or repeated. */
function buildLabels(bytes: Uint8Array, nameStart: number, nameEnd: number, sampleCount: number, stats: DecodeStats): Record<string, string> | undefined {
  const offsets = labelOffsets.data;
  const labelCount = labelOffsets.length / 4;
  const labels: Record<string, string> = {};
  for (let i = 0; i < labelCount; i++) {
    const valueStart = offsets[4 * i + 2]!;
    const valueEnd = offsets[4 * i + 3]!;
    if (valueStart === valueEnd) continue; // An empty value is the same as no label.
    const labelName = decodeUtf8(bytes, offsets[4 * i]!, offsets[4 * i + 1]!);
    if (labelName.length === 0 || Object.hasOwn(labels, labelName)) {
      const name = decodeUtf8(bytes, nameStart, nameEnd);
      rejectSamples(stats, sampleCount, labelName.length === 0 ? `series ${name} has an empty label name` : `series ${name} has label ${labelName} twice`);
      return undefined;
    }
    labels[labelName] = decodeUtf8(bytes, valueStart, valueEnd);
  }
  return labels;
}

/** The scanned series' native histograms, as the `_bucket`, `_count` and `_sum` series SLIs read (when any does). */
function keepHistograms(bytes: Uint8Array, scratch: ProtoReader, options: DecodeOptions, stats: DecodeStats, out: IncomingSeries[]): void {
  const offsets = labelOffsets.data;
  const labelCount = labelOffsets.length / 4;
  const histogramCount = histogramOffsets.length / 2;
  let nameStart = 0;
  let nameEnd = 0;
  for (let i = 0; i < labelCount; i++) {
    if (bytesEqualAscii(bytes, offsets[4 * i]!, offsets[4 * i + 1]!, NAME_LABEL)) {
      nameStart = offsets[4 * i + 2]!;
      nameEnd = offsets[4 * i + 3]!;
      break;
    }
  }
  if (nameStart === nameEnd) {
    stats.invalidHistograms += histogramCount;
    rejectSamples(stats, 0, 'series without a __name__ label');
    return;
  }
  readNativeSeries(decodeUtf8(bytes, nameStart, nameEnd), () => buildLabels(bytes, nameStart, nameEnd, 0, stats), scratch, histogramOffsets, options, stats, out);
}
