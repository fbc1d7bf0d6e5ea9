import type { IncomingSeries } from '../../core/index.js';
import { emptyStats, rejectSamples } from '../decoded.js';
import type { DecodeOptions, DecodeStats, DecodedBatch } from '../decoded.js';
import { tooManySeries } from '../limits.js';
import { SeenNames, delimited, read, skipField, varint } from '../wire/cursor.js';
import { LENGTH_DELIMITED, ProtoReader, bytesEqualAscii, decodeUtf8 } from '../wire/protobuf.js';
import { KnownSampleBuffer, Offsets, readSamples, readSamplesInto } from './series-builder.js';
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
 * Where the series' label fields lie, tags included: `contiguous` when no other field came between them, so
 * bytes[start, end) encodes exactly its labels and can be looked up in the appender's encoded-series index.
 */
const labelSpan = { start: 0, end: 0, contiguous: true };

/**
 * Decodes a remote-write 1.0 `WriteRequest`. Each series' labels are first only located (offsets); its metric name
 * is judged against the SLI index (once per distinct name per request), and only series some SLI needs get label
 * objects and samples. Label order is not assumed. With the appender's encoded-series index (`options.encodedSeries`),
 * a series met before is found by the bytes of its label fields: its samples go straight into typed arrays (`known`)
 * and no label, key or object is made for it; one known to be read by no SLI is dropped there. A series seen for
 * the first time is labelled and carries a copy of those bytes, so the appender can file it. Native histograms an SLI
 * reads become `_bucket`, `_count` and `_sum` series (native-histogram.ts); exemplars and metadata are counted and
 * skipped.
 */
export function decodeWriteRequestV1(body: Uint8Array, options: DecodeOptions): DecodedBatch {
  const stats = emptyStats();
  const series: IncomingSeries[] = [];
  const known = new KnownSampleBuffer();
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
      const kept = keepSeries(body, scratch, seen, options, stats, known);
      if (kept) series.push(kept);
      if (histogramOffsets.length > 0) keepHistograms(body, scratch, options, stats, series);
      pos = seriesEnd;
    } else {
      if (tag === METADATA) stats.metadata++;
      pos = skipField(body, pos, end, tag >>> 3 === 0 ? -1 : tag & 7);
    }
  }
  return known.length === 0 ? { series, stats } : { series, known, stats };
}

/** Locates the labels and samples of one TimeSeries into the scratch offsets. */
function scanSeries(bytes: Uint8Array, pos: number, end: number, stats: DecodeStats): void {
  labelOffsets.length = 0;
  sampleOffsets.length = 0;
  histogramOffsets.length = 0;
  labelSpan.start = labelSpan.end = 0;
  labelSpan.contiguous = true;
  while (pos < end) {
    const fieldStart = pos;
    pos = varint(bytes, pos, end);
    const tag = read.value;
    if (tag === LABEL) {
      if (labelOffsets.length === 0) labelSpan.start = fieldStart;
      else if (labelSpan.end !== fieldStart) labelSpan.contiguous = false;
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
      labelSpan.end = labelEnd;
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

/**
 * Judges the scanned series by its name and then by its encoded labels; a known series' samples go to `known`, a new
 * one some SLI may read is built (with its label bytes) and returned.
 */
function keepSeries(bytes: Uint8Array, scratch: ProtoReader, seen: SeenNames, options: DecodeOptions, stats: DecodeStats, known: KnownSampleBuffer): IncomingSeries | undefined {
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

  const index = options.encodedSeries;
  let encodedLabels: Uint8Array | undefined;
  if (index !== undefined && labelSpan.contiguous) {
    const series = index.find(bytes, labelSpan.start, labelSpan.end);
    if (series === null) {
      stats.unmatched += sampleCount;
      return undefined;
    }
    if (series !== undefined) {
      readSamplesInto(scratch, sampleOffsets, series, known);
      return undefined;
    }
    encodedLabels = bytes.slice(labelSpan.start, labelSpan.end);
  }
  const labels = buildLabels(bytes, nameStart, nameEnd, sampleCount, stats);
  if (!labels) return undefined;
  const { timestamps, values } = readSamples(scratch, sampleOffsets);
  return encodedLabels === undefined ? { labels, timestamps, values } : { labels, timestamps, values, encodedLabels };
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
