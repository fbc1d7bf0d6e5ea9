/**
 * OTLP metric and attribute names to Prometheus names, the way Prometheus's own OTLP receiver translates them
 * (otlptranslator, `UnderscoreEscapingWithSuffixes`): name split into tokens of letters and digits joined by `_`, the unit
 * as a suffix (`s` → `_seconds`, `By` → `_bytes`, `m/s` → `_meters_per_second`; `{annotations}` dropped), `_total`
 * for monotonic sums, `_ratio` for gauges of unit `1`, and label names with every other character made `_`.
 */

const UNITS: Readonly<Record<string, string>> = {
  d: 'days',
  h: 'hours',
  min: 'minutes',
  s: 'seconds',
  ms: 'milliseconds',
  us: 'microseconds',
  ns: 'nanoseconds',
  By: 'bytes',
  KiBy: 'kibibytes',
  MiBy: 'mebibytes',
  GiBy: 'gibibytes',
  TiBy: 'tibibytes',
  KBy: 'kilobytes',
  MBy: 'megabytes',
  GBy: 'gigabytes',
  TBy: 'terabytes',
  m: 'meters',
  V: 'volts',
  A: 'amperes',
  J: 'joules',
  W: 'watts',
  g: 'grams',
  Cel: 'celsius',
  Hz: 'hertz',
  '1': '',
  '%': 'percent',
};

const PER_UNITS: Readonly<Record<string, string>> = {
  s: 'second',
  m: 'minute',
  h: 'hour',
  d: 'day',
  w: 'week',
  mo: 'month',
  y: 'year',
};

export type MetricKind = 'gauge' | 'counter' | 'updown' | 'histogram' | 'summary';

function cleanUnit(unit: string): string {
  return unit.replace(/[^a-zA-Z0-9:_]/g, '_').replace(/_+/g, '_').replace(/^_|_$/g, '');
}

/** The Prometheus metric name of an OTLP metric (before `_bucket`, `_count` and `_sum` for histograms and summaries). */
export function prometheusMetricName(name: string, unit: string, kind: MetricKind): string {
  let tokens = name.split(/[^\p{L}\p{N}]+/u).filter((token) => token.length > 0);
  const [mainUnit = '', perUnit] = unit.split(/\/(.*)/s, 2);
  let suffix = '';
  const main = mainUnit.trim();
  if (main !== '' && !/[{}]/.test(main)) {
    suffix = cleanUnit(UNITS[main] ?? main);
    if (tokens.includes(suffix)) suffix = '';
  }
  const per = perUnit?.trim() ?? '';
  if (per !== '' && !/[{}]/.test(per)) {
    const perSuffix = cleanUnit(PER_UNITS[per] ?? per);
    if (perSuffix !== '' && !tokens.includes(perSuffix)) suffix = suffix === '' ? `per_${perSuffix}` : `${suffix}_per_${perSuffix}`;
  }
  if (suffix !== '') tokens.push(suffix);
  if (kind === 'counter') tokens = [...tokens.filter((token) => token !== 'total'), 'total'];
  if (unit === '1' && kind === 'gauge') tokens = [...tokens.filter((token) => token !== 'ratio'), 'ratio'];
  const joined = tokens.join('_');
  return /^[0-9]/.test(joined) ? `_${joined}` : joined;
}

/** A Prometheus label name for an attribute key: other characters become `_`; a leading digit or `_` gets `key`. */
export function prometheusLabelName(key: string): string {
  if (key.length === 0) return key;
  const sanitized = key.replace(/[^\p{L}\p{N}]/gu, '_');
  if (/^[0-9]/.test(sanitized)) return `key_${sanitized}`;
  if (sanitized.startsWith('_') && !sanitized.startsWith('__')) return `key${sanitized}`;
  return sanitized;
}
