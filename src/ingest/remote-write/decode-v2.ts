import type { IncomingSeries } from '../../core/index.js';
import { emptyStats, rejectSamples } from '../decoded.js';
import type { DecodeOptions, DecodeStats, DecodedBatch } from '../decoded.js';
import { tooManySeries } from '../limits.js';
import { malformed } from '../wire/malformed.js';
import { LENGTH_DELIMITED, ProtoReader, VARINT, bytesEqualAscii, decodeUtf8 } from '../wire/protobuf.js';
import { readNativeSeries } from './native-series.js';
import { Offsets, readSamples } from './series-builder.js';

const NAME_LABEL = new TextEncoder().encode('__name__');

// io.prometheus.write.v2.Request: symbols = 4, timeseries = 5.
const SYMBOL = (4 << 3) | LENGTH_DELIMITED;
const TIMESERIES = (5 << 3) | LENGTH_DELIMITED;
// io.prometheus.write.v2.TimeSeries: labels_refs = 1 (packed or not), samples = 2, histograms = 3, exemplars = 4,
// metadata = 5, created_timestamp = 6.
const LABEL_REFS_PACKED = (1 << 3) | LENGTH_DELIMITED;
const LABEL_REF = (1 << 3) | VARINT;
const SAMPLE = (2 << 3) | LENGTH_DELIMITED;
const HISTOGRAM = (3 << 3) | LENGTH_DELIMITED;
const EXEMPLAR = (4 << 3) | LENGTH_DELIMITED;
const METADATA = (5 << 3) | LENGTH_DELIMITED;
const CREATED_TIMESTAMP = (6 << 3) | VARINT;
// io.prometheus.write.v2.Metadata: type = 1 (MetricType: COUNTER = 1, GAUGE = 2, ...).
const METADATA_TYPE = (1 << 3) | VARINT;
const METRIC_TYPE_GAUGE = 2;

const symbolOffsets = new Offsets(1024);
const seriesOffsets = new Offsets(1024);
const labelRefs = new Offsets(64);
const sampleOffsets = new Offsets(32);
const histogramOffsets = new Offsets(32);

/**
 * Decodes a remote-write 2.0 `io.prometheus.write.v2.Request`: a symbol table and series whose labels are pairs of
 * references into it. Symbols are located once and turned into strings only when a kept series needs them; the metric
 * name's verdict is remembered per symbol, so a name repeated across series is checked once.
 */
export function decodeWriteRequestV2(body: Uint8Array, options: DecodeOptions): DecodedBatch {
  const reader = new ProtoReader(body);
  symbolOffsets.length = 0;
  seriesOffsets.length = 0;
  // Fields may come in any order: locate the symbols and series first.
  while (!reader.done()) {
    const tag = reader.tag();
    if (tag === SYMBOL || tag === TIMESERIES) {
      const end = reader.delimitedEnd();
      (tag === SYMBOL ? symbolOffsets : seriesOffsets).push(reader.pos, end);
      reader.pos = end;
    } else reader.skip(tag & 7);
  }
  const symbolCount = symbolOffsets.length / 2;
  if (symbolCount > 0 && symbolOffsets.data[0] !== symbolOffsets.data[1]) throw malformed('remote write 2.0: the first symbol must be the empty string');
  const seriesCount = seriesOffsets.length / 2;
  if (seriesCount > options.maxSeries) throw tooManySeries(options.maxSeries);

  const symbols = new SymbolTable(body, symbolCount);
  const stats = emptyStats();
  stats.series = seriesCount;
  const series: IncomingSeries[] = [];
  const scratch = new ProtoReader(body);
  for (let i = 0; i < seriesCount; i++) {
    reader.reset(seriesOffsets.data[2 * i]!, seriesOffsets.data[2 * i + 1]!);
    decodeSeries(reader, scratch, symbols, options, stats, series);
  }
  return { series, stats };
}

class SymbolTable {
  private readonly strings: (string | undefined)[];
  /** Per symbol used as a metric name: 0 not checked, 1 wanted, 2 not wanted. */
  private readonly verdicts: Uint8Array;
  readonly nameSymbol: number;

  constructor(
    private readonly bytes: Uint8Array,
    readonly count: number,
  ) {
    this.strings = new Array<string | undefined>(count);
    this.verdicts = new Uint8Array(count);
    let nameSymbol = -1;
    for (let i = 0; i < count; i++) {
      if (bytesEqualAscii(bytes, symbolOffsets.data[2 * i]!, symbolOffsets.data[2 * i + 1]!, NAME_LABEL)) {
        nameSymbol = i;
        break;
      }
    }
    this.nameSymbol = nameSymbol;
  }

  get(ref: number): string {
    let text = this.strings[ref];
    if (text === undefined) {
      text = decodeUtf8(this.bytes, symbolOffsets.data[2 * ref]!, symbolOffsets.data[2 * ref + 1]!);
      this.strings[ref] = text;
    }
    return text;
  }

  isEmpty(ref: number): boolean {
    return symbolOffsets.data[2 * ref] === symbolOffsets.data[2 * ref + 1];
  }

  wanted(ref: number, options: DecodeOptions): boolean {
    let verdict = this.verdicts[ref]!;
    if (verdict === 0) {
      verdict = options.wantsMetric(this.get(ref)) ? 1 : 2;
      this.verdicts[ref] = verdict;
    }
    return verdict === 1;
  }
}

function decodeSeries(reader: ProtoReader, scratch: ProtoReader, symbols: SymbolTable, options: DecodeOptions, stats: DecodeStats, out: IncomingSeries[]): void {
  labelRefs.length = 0;
  sampleOffsets.length = 0;
  histogramOffsets.length = 0;
  let createdTimestamp = 0;
  let gauge = false;
  while (!reader.done()) {
    const tag = reader.tag();
    if (tag === LABEL_REFS_PACKED) {
      const end = reader.delimitedEnd();
      const outerEnd = reader.end;
      reader.end = end;
      while (!reader.done()) {
        const nameRef = reader.uint32();
        if (reader.done()) throw malformed('remote write 2.0: labels_refs has an odd length');
        labelRefs.push(nameRef, reader.uint32());
      }
      reader.end = outerEnd;
    } else if (tag === LABEL_REF) {
      // Unpacked refs (allowed by protobuf): pair them up as they come.
      const ref = reader.uint32();
      if (labelRefs.length % 2 === 0) labelRefs.push(ref, -1);
      else labelRefs.data[labelRefs.length - 1] = ref;
    } else if (tag === SAMPLE) {
      const end = reader.delimitedEnd();
      sampleOffsets.push(reader.pos, end);
      reader.pos = end;
    } else if (tag === HISTOGRAM) {
      stats.histograms++;
      const end = reader.delimitedEnd();
      histogramOffsets.push(reader.pos, end);
      reader.pos = end;
    } else if (tag === EXEMPLAR) {
      stats.exemplars++;
      reader.skip(LENGTH_DELIMITED);
    } else if (tag === METADATA) {
      const end = reader.delimitedEnd();
      scratch.reset(reader.pos, end);
      while (!scratch.done()) {
        const field = scratch.tag();
        if (field === METADATA_TYPE) gauge = scratch.uint32() === METRIC_TYPE_GAUGE;
        else scratch.skip(field & 7);
      }
      reader.pos = end;
    } else if (tag === CREATED_TIMESTAMP) {
      createdTimestamp = reader.int64();
    } else reader.skip(tag & 7);
  }
  const sampleCount = sampleOffsets.length / 2;
  const histogramCount = histogramOffsets.length / 2;
  stats.samples += sampleCount;
  if (sampleCount === 0 && histogramCount === 0) return;

  const refs = labelRefs.data;
  const pairCount = labelRefs.length / 2;
  let nameRef = -1;
  for (let i = 0; i < pairCount; i++) {
    const labelName = refs[2 * i]!;
    const labelValue = refs[2 * i + 1]!;
    if (labelName >= symbols.count || labelValue >= symbols.count || labelValue < 0) {
      throw malformed(`remote write 2.0: label reference ${Math.max(labelName, labelValue)} outside the symbol table of ${symbols.count}`);
    }
    if (labelName === symbols.nameSymbol) nameRef = labelValue;
  }
  if (nameRef < 0 || symbols.isEmpty(nameRef)) {
    rejectSamples(stats, sampleCount, 'series without a __name__ label');
    stats.invalidHistograms += histogramCount;
    return;
  }
  if (histogramCount > 0) {
    readNativeSeries(symbols.get(nameRef), () => buildLabels(symbols, nameRef, 0, stats), scratch, histogramOffsets, options, stats, out, gauge ? 0 : createdTimestamp);
  }
  if (sampleCount === 0) return;
  if (!symbols.wanted(nameRef, options)) {
    stats.unmatched += sampleCount;
    return;
  }
  const labels = buildLabels(symbols, nameRef, sampleCount, stats);
  if (!labels) return;
  const { timestamps, values, startTimestamp, startTimestamps } = readSamples(scratch, sampleOffsets);
  // rc.4 senders give each sample its start time; earlier ones one created timestamp for the series.
  const start = startTimestamps?.[0] || startTimestamp || createdTimestamp;
  out.push({
    labels,
    timestamps,
    values,
    ...(gauge ? { temporality: 'gauge' as const } : {}),
    ...(start > 0 && !gauge ? { startTimeMs: start } : {}),
    ...(startTimestamps !== undefined && !gauge ? { startTimesMs: startTimestamps } : {}),
  });
}

/** The series' labels from the current label references, or undefined (its samples refused) when a name is empty or repeated. */
function buildLabels(symbols: SymbolTable, nameRef: number, sampleCount: number, stats: DecodeStats): Record<string, string> | undefined {
  const refs = labelRefs.data;
  const pairCount = labelRefs.length / 2;
  const labels: Record<string, string> = {};
  for (let i = 0; i < pairCount; i++) {
    const valueRef = refs[2 * i + 1]!;
    if (symbols.isEmpty(valueRef)) continue;
    const labelName = symbols.get(refs[2 * i]!);
    if (labelName.length === 0 || Object.hasOwn(labels, labelName)) {
      rejectSamples(stats, sampleCount, labelName.length === 0 ? `series ${symbols.get(nameRef)} has an empty label name` : `series ${symbols.get(nameRef)} has label ${labelName} twice`);
      return undefined;
    }
    labels[labelName] = symbols.get(valueRef);
  }
  return labels;
}
