import { describe, expect, it } from 'vitest';
import { formatProblem } from '../../src/core/index.js';
import { loadSpecs, MAX_SPEC_FILE_BYTES, type LoadOptions } from '../../src/spec/index.js';

const encoder = new TextEncoder();

/** Loads files given as text and returns every problem as the CLI prints it. */
function problems(files: Record<string, string | Uint8Array>, options: LoadOptions = {}): string[] {
  const inputs = Object.entries(files).map(([path, content]) => ({ path, content: typeof content === 'string' ? encoder.encode(content) : content }));
  return loadSpecs(inputs, options).problems.map(formatProblem);
}

/** A valid sloe/v1 SLO; `patch` replaces lines to make one problem. */
const SLO = `apiVersion: sloe/v1
kind: SLO
metadata:
  name: checkout-availability
spec:
  service: checkout
  window: 30d
  objectives:
    - target: 0.999
  sli:
    ratio:
      bad: sum(rate(http_requests_total{job="checkout",code=~"5.."}[{{.window}}]))
      total: sum(rate(http_requests_total{job="checkout"}[{{.window}}]))
`;

function patch(from: string, to: string): string {
  expect(SLO).toContain(from);
  return SLO.replace(from, to);
}

describe('problems: each kind is reported at the offending node with a message naming the field', () => {
  it('the valid base spec has no problems', () => {
    expect(problems({ 'a.yaml': SLO })).toEqual([]);
  });

  it('an unknown field, with the field that was probably meant', () => {
    expect(problems({ 'a.yaml': patch('  objectives:', '  objectivs:') })).toEqual([
      "a.yaml:5:1: missing required field 'spec.objectives'",
      "a.yaml:8:3: unknown field 'objectivs' (did you mean 'objectives'?)",
    ]);
  });

  it('an unknown field with nothing close is still a problem', () => {
    expect(problems({ 'a.yaml': patch('  window: 30d', '  window: 30d\n  colour: blue') })).toEqual(["a.yaml:8:3: unknown field 'colour'"]);
  });

  it('a missing required field points at the mapping that lacks it', () => {
    expect(problems({ 'a.yaml': patch('  service: checkout\n', '') })).toEqual(["a.yaml:5:1: missing required field 'spec.service'"]);
  });

  it('a value of the wrong type', () => {
    expect(problems({ 'a.yaml': patch('target: 0.999', 'target: high') })).toEqual(["a.yaml:9:15: 'spec.objectives[0].target' must be a number, got 'high'"]);
  });

  it('an objective outside (0, 1)', () => {
    expect(problems({ 'a.yaml': patch('target: 0.999', 'target: 99.9') })).toEqual(["a.yaml:9:15: 'spec.objectives[0].target' must be between 0 and 1 (exclusive), got 99.9"]);
  });

  it('a percent outside (0, 100)', () => {
    expect(problems({ 'a.yaml': patch('target: 0.999', 'targetPercent: 100') })).toEqual([
      "a.yaml:9:22: 'spec.objectives[0].targetPercent' must be a percent between 0 and 100 (exclusive), got 100",
    ]);
  });

  it('both target and targetPercent', () => {
    expect(problems({ 'a.yaml': patch('    - target: 0.999', '    - target: 0.999\n      targetPercent: 99.9') })).toEqual([
      "a.yaml:10:7: give either 'spec.objectives[0].target' or 'spec.objectives[0].targetPercent', not both",
    ]);
  });

  it('neither target nor targetPercent', () => {
    expect(problems({ 'a.yaml': patch('    - target: 0.999', '    - displayName: Available') })).toEqual([
      "a.yaml:9:7: missing required field 'spec.objectives[0].target' (a ratio such as 0.999) or 'spec.objectives[0].targetPercent' (such as 99.9)",
    ]);
  });

  it('a duration that does not parse', () => {
    expect(problems({ 'a.yaml': patch('window: 30d', 'window: 30 days') })).toEqual([
      "a.yaml:7:11: 'spec.window' must be a duration like 30s, 5m, 1h or 30d, got '30 days'",
    ]);
  });

  it('a calendar window without a time zone', () => {
    expect(problems({ 'a.yaml': patch('window: 30d', 'window:\n    calendar: month') })).toEqual([
      "a.yaml:7:3: a calendar window needs a time zone: missing required field 'spec.window.timeZone' (an IANA name such as Europe/Berlin)",
    ]);
  });

  it('a calendar window with an unknown time zone', () => {
    expect(problems({ 'a.yaml': patch('window: 30d', 'window: { calendar: month, timeZone: Europe/Atlantis }') })).toEqual([
      "a.yaml:7:40: 'spec.window.timeZone': unknown time zone 'Europe/Atlantis' (expected an IANA name such as Europe/Berlin or UTC)",
    ]);
  });

  it('PromQL that does not parse, pointing inside the query', () => {
    expect(problems({ 'a.yaml': patch('code=~"5.."}[{{.window}}]))', 'code=~"5.."}[{{.window}}])) +') })).toEqual([
      "a.yaml:12:85: 'spec.sli.ratio.bad' is not valid PromQL: syntax error at the end of the query",
    ]);
  });

  it('PromQL that does not parse inside a literal block', () => {
    const text = patch(
      '      total: sum(rate(http_requests_total{job="checkout"}[{{.window}}]))',
      '      total: |\n        sum(\n          rate(http_requests_total{job="checkout"}[{{.window}}]) by\n        )',
    );
    expect(problems({ 'a.yaml': text })).toEqual(["a.yaml:15:66: 'spec.sli.ratio.total' is not valid PromQL: syntax error at 'by'"]);
  });

  it('an unknown PromQL function is named', () => {
    expect(problems({ 'a.yaml': patch('sum(rate(http_requests_total{job="checkout"}', 'sum(rates(http_requests_total{job="checkout"}') })).toEqual([
      "a.yaml:13:18: 'spec.sli.ratio.total' is not valid PromQL: unknown function 'rates'",
    ]);
  });

  it('an unknown apiVersion and an unknown kind', () => {
    expect(problems({ 'a.yaml': patch('apiVersion: sloe/v1', 'apiVersion: sloe/v2'), 'b.yaml': patch('kind: SLO', 'kind: SLOs') })).toEqual([
      "a.yaml:1:13: unknown apiVersion 'sloe/v2' (did you mean 'sloe/v1'?); expected one of sloe/v1, openslo/v1, openslo/v1alpha, sloth.slok.dev/v1, prometheus/v1, pyrra.dev/v1alpha1, sre.google.com/v2",
      "b.yaml:2:7: unknown kind 'SLOs' (did you mean 'SLO'?) for sloe/v1; expected SLO or BudgetPolicy",
    ]);
  });

  it('a name that cannot be used in a URL or a label', () => {
    expect(problems({ 'a.yaml': patch('name: checkout-availability', 'name: checkout availability/v2') })).toEqual([
      "a.yaml:4:9: SLO name 'checkout availability/v2' must be letters, digits, '-', '_' or '.' (at most 253), starting and ending with a letter or digit: it is used in URLs, metric labels and rule names",
    ]);
  });

  it('duplicate names across files name both places', () => {
    expect(problems({ 'a.yaml': SLO, 'b.yaml': `# the same SLO again\n${SLO}` })).toEqual([
      "b.yaml:5:9: duplicate SLO name 'checkout-availability': defined at a.yaml:4:9 and again at b.yaml:5:9",
    ]);
  });

  it('OpenSLO objects of one kind named twice across files; the same name in another kind is fine', () => {
    const sli = (name: string): string => `apiVersion: openslo/v1
kind: SLI
metadata:
  name: ${name}
spec:
  thresholdMetric:
    metricSource:
      type: Prometheus
      spec:
        query: up{job="api"}
`;
    const condition = `apiVersion: openslo/v1
kind: AlertCondition
metadata:
  name: api-up
spec:
  severity: page
  condition: { kind: burnrate, op: gte, threshold: 14.4, lookbackWindow: 1h, alertAfter: 5m }
`;
    expect(problems({ 'a.yaml': sli('api-up'), 'b.yaml': `${sli('api-up')}---\n${condition}` })).toEqual([
      "b.yaml:4:9: duplicate SLI name 'api-up': defined at a.yaml:4:9 and again at b.yaml:4:9",
    ]);
  });

  it('a reference to nothing, across files, with the name that was probably meant', () => {
    const sli = `apiVersion: openslo/v1
kind: SLI
metadata:
  name: checkout-errors
spec:
  ratioMetric:
    bad:
      metricSource:
        type: Prometheus
        spec:
          query: sum(rate(http_requests_total{code=~"5.."}[{{.window}}]))
    total:
      metricSource:
        type: Prometheus
        spec:
          query: sum(rate(http_requests_total[{{.window}}]))
`;
    const slo = (ref: string): string => `apiVersion: openslo/v1
kind: SLO
metadata:
  name: checkout-availability
spec:
  service: checkout
  indicatorRef: ${ref}
  timeWindow:
    - duration: 30d
      isRolling: true
  budgetingMethod: Occurrences
  objectives:
    - target: 0.999
  alertPolicies:
    - alertPolicyRef: paging
`;
    expect(problems({ 'sli.yaml': sli, 'slo.yaml': slo('checkout-error') })).toEqual([
      "slo.yaml:7:17: 'spec.indicatorRef' refers to SLI 'checkout-error', which is not defined in any loaded file (did you mean 'checkout-errors'?)",
      "slo.yaml:15:23: 'spec.alertPolicies[0].alertPolicyRef' refers to AlertPolicy 'paging', which is not defined in any loaded file",
    ]);
  });

  it('a Sloth query without {{.window}}', () => {
    const sloth = `version: "prometheus/v1"
service: checkout
slos:
  - name: availability
    objective: 99.9
    sli:
      events:
        error_query: sum(rate(http_requests_total{code=~"5.."}[5m]))
        total_query: sum(rate(http_requests_total[{{.window}}]))
`;
    expect(problems({ 's.yaml': sloth })).toEqual([
      "s.yaml:8:22: 'slos[0].sli.events.error_query' must use {{.window}} as its range (e.g. rate(metric[{{.window}}])): Sloth substitutes each alert window there",
    ]);
  });

  it('a Sloth SLI plugin is refused with a clear message', () => {
    const sloth = `version: "prometheus/v1"
service: checkout
slos:
  - name: availability
    objective: 99.9
    sli:
      plugin:
        id: getting_started_availability
`;
    expect(problems({ 's.yaml': sloth })).toEqual(['s.yaml:7:7: Sloth SLI plugins are Go code sloe cannot run; rewrite as events or raw']);
  });

  it('an OpenSLO burn-rate condition with op lte (the known defect of the OpenSLO examples)', () => {
    const condition = `apiVersion: openslo/v1
kind: AlertCondition
metadata:
  name: cpu-usage-breach
spec:
  severity: page
  condition:
    kind: burnrate
    op: lte
    threshold: 2
    lookbackWindow: 1h
    alertAfter: 5m
`;
    expect(problems({ 'c.yaml': condition })).toEqual([
      "c.yaml:9:9: 'spec.condition.op': a burn-rate condition with op 'lte' would fire while the budget burns slowly; a burn-rate alert fires at or above its threshold: use 'gte' or 'gt'",
    ]);
  });

  it('an OpenSLO calendar window of one minute (the timeslices example\'s 1m for 1M)', () => {
    const slo = `apiVersion: openslo/v1
kind: SLO
metadata:
  name: uptime
spec:
  service: web
  indicator:
    metadata:
      name: up
    spec:
      ratioMetric:
        good: { metricSource: { type: Prometheus, spec: { query: 'sum(rate(probe_success_total[{{.window}}]))' } } }
        total: { metricSource: { type: Prometheus, spec: { query: 'sum(rate(probe_total[{{.window}}]))' } } }
  timeWindow:
    - duration: 1m
      isRolling: false
      calendar:
        startTime: 2022-01-01 12:00:00
  budgetingMethod: Timeslices
  objectives:
    - target: 0.99
      timeSliceTarget: 0.99
      timeSliceWindow: 1m
`;
    expect(problems({ 'o.yaml': slo })).toEqual([
      "o.yaml:15:17: 'spec.timeWindow[0].duration': a calendar window is 1w, 1M, 1Q or 1Y; '1m' is 1 minute (did you mean '1M'?)",
      "o.yaml:17:7: a calendar window needs a time zone: missing required field 'spec.timeWindow[0].calendar.timeZone' (an IANA name such as Europe/Berlin)",
    ]);
  });

  it('a query outside the embedded subset needs a remote source, and names the unsupported part', () => {
    const text = patch('sum(rate(http_requests_total{job="checkout"}[{{.window}}]))', 'sum(sum_over_time(http_requests_total{job="checkout"}[{{.window}}]))');
    expect(problems({ 'a.yaml': text })).toEqual([
      "a.yaml:13:18: SLO 'checkout-availability': total query: the function sum_over_time() is not supported by the embedded engine; the embedded engine cannot evaluate this query and no remote query source is configured (add one under `sources:` in the configuration, or pass --source NAME to sloe validate)",
    ]);
    expect(problems({ 'a.yaml': text }, { remoteSources: ['mimir'] })).toEqual([]);
  });

  it('a latency SLI whose selector is a histogram\'s count, not its buckets or the native histogram, with or without a remote source', () => {
    const text = patch(
      '    ratio:\n      bad: sum(rate(http_requests_total{job="checkout",code=~"5.."}[{{.window}}]))\n      total: sum(rate(http_requests_total{job="checkout"}[{{.window}}]))',
      '    latency:\n      histogram: http_request_duration_seconds_count{job="checkout"}\n      threshold: 0.3',
    );
    // A selector on the histogram's own name is a native histogram (read at any threshold), so _count is the mistake.
    const expected = ['a.yaml:12:18: SLO \'checkout-availability\': histogram query: "http_request_duration_seconds_count" is not a histogram (expected the classic http_request_duration_seconds_bucket or the native histogram http_request_duration_seconds)'];
    expect(problems({ 'a.yaml': text })).toEqual(expected);
    expect(problems({ 'a.yaml': text }, { remoteSources: ['mimir'] })).toEqual(expected);
  });

  it('a reason template with an unknown placeholder', () => {
    const policy = `apiVersion: sloe/v1
kind: BudgetPolicy
metadata:
  name: releases
spec:
  rules:
    - name: frozen
      decision: deny
      when: { budgetRemainingBelow: 0 }
      reason: "{slos} is out of budget"
`;
    expect(problems({ 'p.yaml': policy })).toEqual([
      "p.yaml:10:15: 'spec.rules[0].reason': unknown placeholder '{slos}' (did you mean '{slo}'?); expected {slo}, {service}, {objective}, {sli}, {budgetRemaining}, {burnRate}, {window}, {period}, {alerts}, {status}, {environment}, {action}, {rule}, {policy}",
    ]);
  });
});

describe('problems: files that cannot be read at all get one line, never an exception', () => {
  it('YAML that is not YAML', () => {
    expect(problems({ 'a.yaml': 'apiVersion: sloe/v1\nkind: [SLO\nmetadata: {}\n' })).toEqual([
      expect.stringMatching(/^a\.yaml:\d+:\d+: not valid YAML: .+/) as string,
    ]);
    expect(problems({ 'a.yaml': 'apiVersion: sloe/v1\nkind: [SLO\nmetadata: {}\n' })).toHaveLength(1);
  });

  it('a duplicate key is a YAML error', () => {
    expect(problems({ 'a.yaml': 'apiVersion: sloe/v1\nkind: SLO\nkind: SLO\n' })).toEqual(['a.yaml:3:1: not valid YAML: Map keys must be unique']);
  });

  it('a binary file', () => {
    expect(problems({ 'a.bin': new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00]) })).toEqual([
      'a.bin:1:1: not a text file: it contains NUL bytes (a binary file?); expected UTF-8 YAML',
    ]);
    expect(problems({ 'a.yaml': new Uint8Array([0x61, 0x3a, 0x20, 0xff, 0xfe, 0x0a]) })).toEqual([
      'a.yaml:1:1: not a text file: it is not valid UTF-8 (a binary file?); expected UTF-8 YAML',
    ]);
  });

  it('an empty file, and one with only comments', () => {
    const message = 'empty file: expected at least one YAML document with apiVersion and kind (or Sloth\'s version: "prometheus/v1")';
    expect(problems({ 'a.yaml': '' })).toEqual([`a.yaml:1:1: ${message}`]);
    expect(problems({ 'b.yaml': '# nothing yet\n---\n' })).toEqual([`b.yaml:1:1: ${message}`]);
  });

  it('a YAML alias bomb', () => {
    const levels = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (let level = 1; level < 9; level++) {
      const name = String.fromCharCode(97 + level);
      const previous = String.fromCharCode(96 + level);
      levels.push(`${name}: &${name} [${Array.from({ length: 9 }, () => `*${previous}`).join(',')}]`);
    }
    const started = Date.now();
    expect(problems({ 'bomb.yaml': `${levels.join('\n')}\n` })).toEqual([
      'bomb.yaml:1:1: refused: the document has more than 100 alias expansions (a YAML alias bomb?)',
    ]);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('a 50 MB file', () => {
    const big = new Uint8Array(50 * 1024 * 1024).fill(0x20);
    expect(problems({ 'big.yaml': big })).toEqual([`big.yaml:1:1: file is ${big.byteLength} bytes; spec files are limited to ${MAX_SPEC_FILE_BYTES} bytes`]);
  });
});

describe('YAML anchors and merge keys', () => {
  const text = `apiVersion: sloe/v1
kind: SLO
metadata:
  name: a
  labels: &labels
    team: shop
spec:
  service: checkout
  objectives: [{ target: 0.99 }]
  sli:
    ratio:
      bad: sum(rate(http_requests_total{code=~"5.."}[{{.window}}]))
      total: sum(rate(http_requests_total[{{.window}}]))
  alerting:
    labels:
      <<: *labels
      tier: "1"
    page: &common
      labels: { pager: shop }
    ticket:
      <<: *common
      disable: true
`;

  it('shared blocks merged with << count as the fields they hold', () => {
    const result = loadSpecs([{ path: 'm.yaml', content: encoder.encode(text) }]);
    expect(result.problems).toEqual([]);
    const alerting = result.specs.slos[0]?.alerting;
    expect(alerting?.labels).toEqual({ tier: '1', team: 'shop' });
    expect(alerting?.tiers.map((tier) => [tier.name, tier.disabled, tier.labels])).toEqual([
      ['page-fast', false, { pager: 'shop' }],
      ['page-slow', false, { pager: 'shop' }],
      ['ticket-fast', true, { pager: 'shop' }],
      ['ticket-slow', true, { pager: 'shop' }],
    ]);
  });

  it('a typo in a merged block is reported once, where it is written', () => {
    expect(problems({ 'm.yaml': text.replace('      labels: { pager: shop }', '      labls: { pager: shop }') })).toEqual([
      "m.yaml:19:7: unknown field 'labls' (did you mean 'labels'?)",
    ]);
  });

  it('an alias to an anchor of another document is not YAML', () => {
    expect(problems({ 'm.yaml': 'a: &x 1\n---\nb: *x\n' })).toEqual(['m.yaml:3:4: not valid YAML: Unresolved alias (the anchor must be set before the alias): x']);
  });
});
