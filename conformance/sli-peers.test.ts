/**
 * The SLI queries of peer projects' example specs (SLOE_PEERS, else ../shared/peers beside the repository),
 * compiled as the spec loaders will hand them over. Each row says what the embedded engine makes of one SLI.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import type { Objective, Sli, ThresholdOp } from '../src/core/index.js';
import { compileSli } from '../src/core/index.js';
import { PEERS } from './peers-folder.js';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Every SLI in a file: Sloth `events`/`raw` (snake or camel case) and OpenSLO `ratioMetric(s)`, by the nearest name. */
function slis(file: string): { name: string; sli: Sli }[] {
  const found: { name: string; sli: Sli }[] = [];
  const text = (value: Json | undefined): string => (typeof value === 'string' ? value : '');
  const visit = (node: Json, name: string): void => {
    if (Array.isArray(node)) return node.forEach((child) => visit(child, name));
    if (node === null || typeof node !== 'object') return;
    const metadataName = (node.metadata as Record<string, Json> | undefined)?.name;
    const own = typeof node.name === 'string' ? node.name : typeof metadataName === 'string' ? metadataName : name;
    const events = node.events as Record<string, Json> | undefined;
    if (events) {
      found.push({ name: own, sli: { kind: 'ratio', bad: { promql: text(events.error_query ?? events.errorQuery) }, total: { promql: text(events.total_query ?? events.totalQuery) } } });
    }
    const raw = node.raw as Record<string, Json> | undefined;
    if (raw) found.push({ name: own, sli: { kind: 'rawRatio', meaning: 'bad', query: { promql: text(raw.error_ratio_query ?? raw.errorRatioQuery) } } });
    const threshold = node.thresholdMetric as { metricSource?: { spec?: { query?: Json } } } | undefined;
    if (threshold) found.push({ name: own, sli: { kind: 'threshold', metric: { promql: text(threshold.metricSource?.spec?.query) } } });
    const ratio = (node.ratioMetrics ?? node.ratioMetric) as Record<string, Record<string, Json>> | undefined;
    if (ratio?.good && ratio.total) {
      const query = (side: Record<string, Json>): string => text(side.query ?? (side.metricSource as { spec?: { query?: Json } } | undefined)?.spec?.query);
      found.push({ name: own, sli: { kind: 'ratio', good: { promql: query(ratio.good) }, total: { promql: query(ratio.total) } } });
    }
    for (const [key, child] of Object.entries(node)) if (key !== 'events' && key !== 'raw') visit(child, own);
  };
  for (const document of parseAllDocuments(readFileSync(join(PEERS, file), 'utf8'))) visit(document.toJS() as Json, '');
  return found;
}

/** The first objective's op and value in a file (OpenSLO threshold SLIs compare against them). */
function firstObjective(file: string): Objective | undefined {
  const match = /- displayName: .*\n\s+op: (\w+)\n\s+value: (\d+)/.exec(readFileSync(join(PEERS, file), 'utf8'));
  return match ? { key: 'first', target: 0.99, op: match[1] as ThresholdOp, value: Number(match[2]) } : undefined;
}

/** `good | total` as term keys, or `refused: <reason> @offset`. */
function outcome(sli: Sli, objective?: Objective): string {
  const result = compileSli(sli, objective);
  if (!result.ok) return `refused: ${result.reason} @${result.from}`;
  const keys = (terms: typeof result.sli.good) => terms.map(({ term, sign }) => `${sign === 1 ? '+' : '-'}${term.key}`).join(' ');
  return `${keys(result.sli.good)} | ${keys(result.sli.total)}`;
}

const MYSERVICE = '+http_request_duration_seconds_count{job="myservice"} -http_request_duration_seconds_count{code=~"(5..|429)",job="myservice"} | +http_request_duration_seconds_count{job="myservice"}';
const MYSERVICE_GOOD = '+http_request_duration_seconds_count{code!~"(5..|429)",job="myservice"} | +http_request_duration_seconds_count{job="myservice"}';
const WIFI_REFUSED = 'refused: total query: the function sum_over_time() is not supported by the embedded engine @0';
const VM_REFUSED = 'refused: total query: a range selector outside rate() or increase() is not supported by the embedded engine @0';

describe('peer example specs', () => {
  const TABLE = [
    ['sloth/examples/getting-started.yml', [['requests-availability', MYSERVICE]]],
    ['sloth/examples/k8s-getting-started.yml', [['requests-availability', MYSERVICE]]],
    ['sloth/examples/contrib-denominator-corrected.yaml', [['slo1', MYSERVICE]]],
    ['sloth/examples/contrib-slo-plugins.yml', [['requests-availability-contrib-plugin-info-labels-v1', MYSERVICE], ['requests-availability-contrib-plugin-rule-intervals-v1', MYSERVICE]]],
    ['sloth/examples/slo-plugin-getting-started.yml', [['requests-availability', MYSERVICE]]],
    ['sloth/examples/slo-plugin-k8s-getting-started.yml', [['requests-availability', MYSERVICE]]],
    ['sloth/examples/multifile.yml', [['requests-availability', MYSERVICE], ['requests-availability', MYSERVICE]]],
    ['sloth/examples/k8s-multifile.yml', [['requests-availability', MYSERVICE], ['requests-availability', MYSERVICE]]],
    [
      'sloth/examples/no-alerts.yml',
      [['http-availability', '+http_request_duration_seconds_count{job="myapp"} -http_request_duration_seconds_count{code=~"(5..|429)",job="myapp"} | +http_request_duration_seconds_count{job="myapp"}']],
    ],
    [
      'sloth/examples/kubernetes-apiserver.yml',
      [
        ['requests-availability', '+apiserver_request_total -apiserver_request_total{code=~"(5..|429)"} | +apiserver_request_total'],
        // bad = count - bucket{le=0.4}, so good = count - (count - bucket) = the bucket.
        ['requests-latency', '+apiserver_request_duration_seconds_bucket{le="0.4",verb!="WATCH"} | +apiserver_request_duration_seconds_count{verb!="WATCH"}'],
      ],
    ],
    ['sloth/examples/openslo-getting-started.yml', [['sloth-slo-my-service', MYSERVICE_GOOD]]],
    [
      'sloth/examples/openslo-kubernetes-apiserver.yml',
      [
        ['requests-availability-openslo', '+apiserver_request_total{code!~"(5..|429)"} | +apiserver_request_total'],
        ['requests-latency-openslo', '+apiserver_request_duration_seconds_bucket{le="0.4",verb!="WATCH"} | +apiserver_request_duration_seconds_count{verb!="WATCH"}'],
        ['requests-latency-openslo', '+apiserver_request_duration_seconds_bucket{le="5",verb!="WATCH"} | +apiserver_request_duration_seconds_count{verb!="WATCH"}'],
      ],
    ],
    // sum_over_time over a subquery of count(x < 0.75): needs a Prometheus source.
    ['sloth/examples/home-wifi.yml', [['good-wifi-client-satisfaction', WIFI_REFUSED], ['risk-wifi-client-satisfaction', WIFI_REFUSED]]],
    ['sloth/examples/k8s-home-wifi.yml', [['good-wifi-client-satisfaction', WIFI_REFUSED], ['risk-wifi-client-satisfaction', WIFI_REFUSED]]],
    ['sloth/examples/raw-home-wifi.yml', [['wifi-client-satisfaction', 'refused: ratio query: the function sum_over_time() is not supported by the embedded engine @12']]],
    ['sloth/examples/victoria-metrics.yml', [['grpc-latency-percentile-90', VM_REFUSED], ['grpc-latency-percentile-99', VM_REFUSED]]],
    // OpenSLO's examples leave the query as the placeholder "Any": it reads as a bare counter named Any.
    ['openslo/budgeting-method--ratio-timeslices.yaml', [['response-code', '+Any | +Any']]],
    ['openslo/budgeting-method--timeslices-slo.yaml', [['web-availability', '+Any | +Any']]],
    ['openslo/treat-low-traffic-as-equally-important--timeslices-slo.yaml', [['web-availability', '+Any | +Any']]],
    // thresholdMetric with `op: lt, value: 500`: each sample of the gauge is an event, good below 500.
    ['openslo/budgeting-method--occurences-slo.yaml', [['search-latency', '+Any | value lt 500 | +Any | count']]],
    // Go SLI plugins carry no query: nothing for the compiler (the spec loader refuses them).
    ['sloth/examples/plugin-getting-started.yml', []],
    ['sloth/examples/plugin-k8s-getting-started.yml', []],
  ] as const;

  it.each(TABLE)('%s', (file, expected) => {
    expect(slis(file).map(({ name, sli }) => [name, outcome(sli, firstObjective(file))])).toEqual(expected);
  });

  it('covers every peer example file', () => {
    const files = ['sloth/examples', 'openslo'].flatMap((folder) => readdirSync(join(PEERS, folder)).filter((file) => /\.ya?ml$/.test(file)).map((file) => `${folder}/${file}`));
    expect(TABLE.map(([file]) => file).sort()).toEqual(files.sort());
  });
});
