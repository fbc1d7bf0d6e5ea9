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

/** Each label field's message range (start, end), inside its tag and length: parsed only when read. */
const labelFields = new Offsets(64);
const sampleOffsets = new Offsets(32);
const histogramOffsets = new Offsets(32);
/**
 * Where the series' label fields lie, tags included: `contiguous` when no other field came between them, so
 * bytes[start, end) encodes exactly its labels and can be looked up in the appender's encoded-series index.
 */
const labelSpan = { start: 0, end: 0, contiguous: true };
/** One Label message read by `readLabel`: its name's and value's byte ranges. */
const label = { nameStart: 0, nameEnd: 0, valueStart: 0, valueEnd: 0 };

/**
 * Decodes a remote-write 1.0 `WriteRequest`. Each series' label fields are first only located, not parsed; its metric
 * name (the `__name__` label, the first one in what Prometheus sends) is judged against the SLI index once per
 * distinct name per request, and only series some SLI needs have their other labels read. Label order is not
 * assumed. With the appender's encoded-series index (`options.encodedSeries`), a series met before is found by the
 * bytes of its label fields: its samples go straight into typed arrays (`known`) and no label, key or object is made
 * for it; one known to be read by no SLI is dropped there. A series seen for the first time is labelled and carries a
 * copy of those bytes, so the appender can file it. Native histograms an SLI reads become `_bucket`, `_count` and
 * `_sum` series (native-histogram.ts); exemplars and metadata are counted and skipped. The samples and other labels
 * of a series no SLI reads are skipped unparsed, so a flaw inside them is not reported.
 */
export function decodeWriteRequestV1(body: Uint8Array, options: DecodeOptions): DecodedBatch {
  const stats = emptyStats();
  const series: IncomingSeries[] = [];
  const known = new KnownSampleBuffer();
  const scratch = new ProtoReader(body);
  const seen = new SeenNames(scratch.view);
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

/** Locates the label fields and samples of one TimeSeries into the scratch offsets (labels are not parsed here). */
function scanSeries(bytes: Uint8Array, pos: number, end: number, stats: DecodeStats): void {
  labelFields.length = 0;
  sampleOffsets.length = 0;
  histogramOffsets.length = 0;
  labelSpan.start = labelSpan.end = 0;
  labelSpan.contiguous = true;
  while (pos < end) {
    const fieldStart = pos;
    pos = varint(bytes, pos, end);
    const tag = read.value;
    if (tag === LABEL) {
      if (labelFields.length === 0) labelSpan.start = fieldStart;
      else if (labelSpan.end !== fieldStart) labelSpan.contiguous = false;
      pos = delimited(bytes, pos, end);
      labelFields.push(pos, read.value);
      pos = labelSpan.end = read.value;
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

/** Reads label field `index` (a Label message) into `label`. */
function readLabel(bytes: Uint8Array, index: number): void {
  let pos = labelFields.data[2 * index]!;
  const end = labelFields.data[2 * index + 1]!;
  label.nameStart = label.nameEnd = label.valueStart = label.valueEnd = 0;
  while (pos < end) {
    pos = varint(bytes, pos, end);
    const field = read.value;
    if (field === LABEL_NAME) {
      label.nameStart = delimited(bytes, pos, end);
      pos = label.nameEnd = read.value;
    } else if (field === LABEL_VALUE) {
      label.valueStart = delimited(bytes, pos, end);
      pos = label.valueEnd = read.value;
    } else pos = skipField(bytes, pos, end, field & 7);
  }
}

/** Reads labels until `__name__`; leaves its value in `label` and returns true, or false when the series has none. */
function findName(bytes: Uint8Array): boolean {
  const count = labelFields.length / 2;
  for (let i = 0; i < count; i++) {
    readLabel(bytes, i);
    if (bytesEqualAscii(bytes, label.nameStart, label.nameEnd, NAME_LABEL)) return label.valueStart !== label.valueEnd;
  }
  return false;
}

/**
 * Judges the scanned series by its name and then by its encoded labels; a known series' samples go to `known`, a new
 * one some SLI may read is built (with its label bytes) and returned.
 */
function keepSeries(bytes: Uint8Array, scratch: ProtoReader, seen: SeenNames, options: DecodeOptions, stats: DecodeStats, known: KnownSampleBuffer): IncomingSeries | undefined {
  const sampleCount = sampleOffsets.length / 2;
  stats.samples += sampleCount;
  if (sampleCount === 0) return undefined;

  if (!findName(bytes)) {
    rejectSamples(stats, sampleCount, 'series without a __name__ label');
    return undefined;
  }
  const nameStart = label.valueStart;
  const nameEnd = label.valueEnd;
  const hash = seen.hash(nameStart, nameEnd);
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
    const series = index.find(scratch.view, labelSpan.start, labelSpan.end);
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
  const count = labelFields.length / 2;
  const labels: Record<string, string> = {};
  for (let i = 0; i < count; i++) {
    readLabel(bytes, i);
    if (label.valueStart === label.valueEnd) continue; // An empty value is the same as no label.
    const labelName = decodeUtf8(bytes, label.nameStart, label.nameEnd);
    if (labelName.length === 0 || Object.hasOwn(labels, labelName)) {
      const name = decodeUtf8(bytes, nameStart, nameEnd);
      rejectSamples(stats, sampleCount, labelName.length === 0 ? `series ${name} has an empty label name` : `series ${name} has label ${labelName} twice`);
      return undefined;
    }
    labels[labelName] = decodeUtf8(bytes, label.valueStart, label.valueEnd);
  }
  return labels;
}

/** The scanned series' native histograms, as the `_bucket`, `_count` and `_sum` series SLIs read (when any does). */
function keepHistograms(bytes: Uint8Array, scratch: ProtoReader, options: DecodeOptions, stats: DecodeStats, out: IncomingSeries[]): void {
  if (!findName(bytes)) {
    stats.invalidHistograms += histogramOffsets.length / 2;
    rejectSamples(stats, 0, 'series without a __name__ label');
    return;
  }
  const nameStart = label.valueStart;
  const nameEnd = label.valueEnd;
  readNativeSeries(decodeUtf8(bytes, nameStart, nameEnd), () => buildLabels(bytes, nameStart, nameEnd, 0, stats), scratch, histogramOffsets, options, stats, out);
}
