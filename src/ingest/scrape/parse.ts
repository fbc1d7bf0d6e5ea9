import { malformed } from '../wire/malformed.js';

export type MetricType = 'counter' | 'gauge' | 'histogram' | 'gaugehistogram' | 'summary' | 'info' | 'stateset' | 'unknown' | 'untyped';

export interface ParsedSample {
  readonly name: string;
  readonly labels: readonly (readonly [string, string])[];
  readonly value: number;
  /** Unix ms when the exposition gave one. */
  readonly timestampMs?: number;
}

export interface Exposition {
  readonly samples: ParsedSample[];
  /** Metric family name to its TYPE. */
  readonly types: ReadonlyMap<string, MetricType>;
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*/;

/**
 * Parses the Prometheus text format (0.0.4) or OpenMetrics 1.0 (`openMetrics`: timestamps in seconds, `# EOF`
 * required, exemplars after `#`). Errors name the line, as Prometheus's scrape errors do.
 */
export function parseExposition(text: string, openMetrics: boolean): Exposition {
  const samples: ParsedSample[] = [];
  const types = new Map<string, MetricType>();
  const lines = text.split('\n');
  let sawEof = false;
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index]!.replace(/\r$/, '');
    const where = `line ${index + 1}`;
    if (sawEof) {
      if (line.trim() !== '') throw malformed(`${where}: content after # EOF`);
      continue;
    }
    if (line.trim() === '') continue;
    if (line.startsWith('#')) {
      if (line === '# EOF') {
        sawEof = true;
        continue;
      }
      const match = /^#\s+TYPE\s+(\S+)\s+(\S+)\s*$/.exec(line);
      if (match) types.set(match[1]!, normalizeType(match[2]!, where));
      continue;
    }
    samples.push(parseSample(line, openMetrics, where));
  }
  if (openMetrics && !sawEof) throw malformed('OpenMetrics exposition without # EOF');
  return { samples, types };
}

function normalizeType(type: string, where: string): MetricType {
  const lower = type.toLowerCase();
  if (['counter', 'gauge', 'histogram', 'gaugehistogram', 'summary', 'info', 'stateset', 'unknown', 'untyped'].includes(lower)) return lower as MetricType;
  throw malformed(`${where}: unknown metric type ${type}`);
}

function parseSample(line: string, openMetrics: boolean, where: string): ParsedSample {
  let rest = line.trimStart();
  const name = NAME.exec(rest)?.[0];
  if (!name) throw malformed(`${where}: expected a metric name`);
  rest = rest.slice(name.length);
  const labels: [string, string][] = [];
  if (rest.startsWith('{')) {
    rest = rest.slice(1);
    for (;;) {
      rest = rest.trimStart();
      if (rest.startsWith('}')) {
        rest = rest.slice(1);
        break;
      }
      const labelName = LABEL_NAME.exec(rest)?.[0];
      if (!labelName) throw malformed(`${where}: expected a label name`);
      rest = rest.slice(labelName.length).trimStart();
      if (!rest.startsWith('="') && !rest.startsWith('= "')) throw malformed(`${where}: expected ="value" after label ${labelName}`);
      rest = rest.slice(rest.indexOf('"') + 1);
      let value = '';
      let closed = false;
      for (let i = 0; i < rest.length; i++) {
        const char = rest[i]!;
        if (char === '\\') {
          const next = rest[i + 1];
          value += next === 'n' ? '\n' : next === '"' ? '"' : next === '\\' ? '\\' : `\\${next ?? ''}`;
          i++;
        } else if (char === '"') {
          rest = rest.slice(i + 1);
          closed = true;
          break;
        } else value += char;
      }
      if (!closed) throw malformed(`${where}: unterminated label value`);
      labels.push([labelName, value]);
      rest = rest.trimStart();
      if (rest.startsWith(',')) rest = rest.slice(1);
      else if (!rest.startsWith('}')) throw malformed(`${where}: expected , or } after a label`);
    }
  }
  // OpenMetrics exemplars follow ` # `.
  const exemplar = openMetrics ? rest.indexOf(' # ') : -1;
  const fields = (exemplar >= 0 ? rest.slice(0, exemplar) : rest).trim().split(/\s+/);
  if (fields.length < 1 || fields.length > 2 || fields[0] === '') throw malformed(`${where}: expected a value and an optional timestamp`);
  const value = parseValue(fields[0]!, where);
  if (fields.length === 1) return { name, labels, value };
  const timestamp = Number(fields[1]);
  if (!Number.isFinite(timestamp)) throw malformed(`${where}: invalid timestamp ${fields[1]}`);
  return { name, labels, value, timestampMs: openMetrics ? Math.round(timestamp * 1000) : Math.trunc(timestamp) };
}

function parseValue(text: string, where: string): number {
  switch (text) {
    case 'NaN':
      return Number.NaN;
    case '+Inf':
    case 'Inf':
      return Number.POSITIVE_INFINITY;
    case '-Inf':
      return Number.NEGATIVE_INFINITY;
  }
  const value = Number(text);
  if (text.trim() === '' || Number.isNaN(value)) throw malformed(`${where}: invalid value ${text}`);
  return value;
}
