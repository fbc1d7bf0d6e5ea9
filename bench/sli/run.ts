/**
 * bench/sli: the SLI compiler and the matcher index.
 * - Matching: 20,000 distinct terms (10,000 SLOs, each a total and a 5xx selector, over 2,000 metric names) against a stream of series of
 *   which nine in ten belong to metrics no SLI reads. Baseline: one Map lookup by metric name per series, the least
 *   any filter can do.
 *   Then the worst case for a name-only index: all 10,000 SLOs on one metric, told apart by `job`.
 * - Compiling: Sloth-style ratio SLIs per second. Baseline: lezer parsing the same queries without compiling.
 */
import { parser } from '@prometheus-io/lezer-promql';
import { MatcherIndex, compileSli } from '../../src/core/index.js';
import type { Term } from '../../src/core/index.js';
import type { Sli } from '../../src/core/model.js';
import { reportFigures } from '../lib.js';

const RUNS = 5;
const SLOS = 10_000;
const METRICS = 2_000;
const SERIES = 400_000;

function sliOf(index: number): Sli {
  const metric = `http_requests_${index % METRICS}_total`;
  const job = `job-${index}`;
  return {
    kind: 'ratio',
    bad: { promql: `sum(rate(${metric}{job="${job}",code=~"(5..|429)"}[{{.window}}]))` },
    total: { promql: `sum(rate(${metric}{job="${job}"}[{{.window}}]))` },
  };
}

const slis = Array.from({ length: SLOS }, (_, index) => sliOf(index));
const terms: Term[] = [];
for (const sli of slis) {
  const result = compileSli(sli);
  if (!result.ok) throw new Error(result.reason);
  for (const side of [result.sli.good, result.sli.total]) for (const signed of side) terms.push(signed.term);
}
const index = new MatcherIndex(terms);
const names = new Set(terms.map((term) => term.metric));

// A deterministic stream: every tenth series is one an SLI reads (its job, a 5xx or 2xx code), the rest are not.
const stream = Array.from({ length: SERIES }, (_, i) => {
  const wanted = i % 10 === 0;
  const sloIndex = (i * 7919) % SLOS;
  return {
    __name__: wanted ? `http_requests_${sloIndex % METRICS}_total` : `node_cpu_seconds_${i % 5000}_total`,
    job: `job-${sloIndex}`,
    code: i % 3 === 0 ? '503' : '200',
    instance: `10.0.${i % 256}.${i % 200}:9100`,
  };
});

function timeRuns(run: () => number): { perSecond: number[]; checksum: number } {
  const perSecond: number[] = [];
  let checksum = 0;
  run(); // warm-up
  for (let r = 0; r < RUNS; r++) {
    const started = performance.now();
    const count = run();
    perSecond.push(count / ((performance.now() - started) / 1000));
    checksum += count;
  }
  return { perSecond, checksum };
}

let matched = 0;
const matching = timeRuns(() => {
  matched = 0;
  for (const labels of stream) matched += index.match(labels).length;
  return stream.length;
});
const lookup = timeRuns(() => {
  let hits = 0;
  for (const labels of stream) if (names.has(labels.__name__)) hits++;
  return stream.length + hits * 0;
});

// The worst case for a name-only index: every SLO on one metric, told apart by job.
const shared = new MatcherIndex(
  Array.from({ length: SLOS }, (_, i) => {
    const result = compileSli({ kind: 'ratio', bad: { promql: `sum(rate(http_requests_total{job="job-${i}",code=~"5.."}[5m]))` }, total: { promql: `sum(rate(http_requests_total{job="job-${i}"}[5m]))` } });
    if (!result.ok) throw new Error(result.reason);
    return [...result.sli.good, ...result.sli.total].map((signed) => signed.term);
  }).flat(),
);
const sharedStream = stream.map((labels, i) => (i % 10 === 0 ? { ...labels, __name__: 'http_requests_total' } : labels));
const sharedMatching = timeRuns(() => {
  for (const labels of sharedStream) shared.match(labels);
  return sharedStream.length;
});

const queries = slis.slice(0, 2_000);
const compiling = timeRuns(() => {
  for (const sli of queries) if (!compileSli(sli).ok) throw new Error('compile failed');
  return queries.length;
});
const parsing = timeRuns(() => {
  let nodes = 0;
  for (const sli of queries) {
    if (sli.kind !== 'ratio') continue;
    nodes += parser.parse(sli.total.promql).length + parser.parse(sli.bad?.promql ?? '').length;
  }
  return nodes > 0 ? queries.length : 0;
});

console.log(`${new Set(terms.map((term) => term.key)).size} distinct terms over ${names.size} metrics; ${matched} term matches per pass of ${SERIES} series`);
reportFigures('sli', [
  { name: 'matcher index: series matched', unit: 'series/s', runs: matching.perSecond, baselineName: 'Map lookup by metric name only', baselineRuns: lookup.perSecond },
  { name: 'matcher index, all 10,000 SLOs on one metric', unit: 'series/s', runs: sharedMatching.perSecond, baselineName: 'Map lookup by metric name only', baselineRuns: lookup.perSecond },
  { name: 'compileSli: ratio SLIs (two queries each)', unit: 'SLIs/s', runs: compiling.perSecond, baselineName: 'lezer parse of the same queries', baselineRuns: parsing.perSecond },
]);
