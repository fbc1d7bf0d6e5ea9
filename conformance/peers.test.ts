import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { formatProblem } from '../src/core/index.js';
import { loadSpecs, type LoadResult } from '../src/spec/index.js';
import { PEERS } from './peers-folder.js';
import { unsupportedSourceMessage } from '../src/spec/openslo-source.js';

function walk(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((entry) => {
      const path = join(dir, entry);
      return statSync(path).isDirectory() ? walk(path) : [path];
    });
}

function load(path: string, remoteSources: readonly string[] = []): LoadResult {
  return loadSpecs([{ path: relative(PEERS, path), content: readFileSync(path) }], { remoteSources });
}

const SLI_PLUGIN = 'Sloth SLI plugins are Go code sloe cannot run; rewrite as events or raw';
const SLO_PLUGIN = 'Sloth SLO plugins are Go code sloe cannot run; remove the plugin chain (sloe makes its own rules) or rewrite what the plugin does in the spec';

function anySource(path: string): string {
  return unsupportedSourceMessage(path, 'Any');
}

/** The peer specs sloe refuses, with exactly what it says. Everything else must load without a problem. */
const REFUSED: Record<string, string[]> = {
  'sloth/examples/contrib-denominator-corrected.yaml': [`10:3: ${SLO_PLUGIN}`],
  'sloth/examples/contrib-slo-plugins.yml': [`12:5: ${SLO_PLUGIN}`, `43:5: ${SLO_PLUGIN}`],
  'sloth/examples/plugin-getting-started.yml': [`13:7: ${SLI_PLUGIN}`],
  'sloth/examples/plugin-k8s-getting-started.yml': [
    `27:9: ${SLI_PLUGIN}`,
    // The Kubernetes object spells these pageAlert/ticketAlert; Sloth's lenient decoder drops them silently.
    "39:9: unknown field 'page_alert' (did you mean 'pageAlert'?)",
    "43:9: unknown field 'ticket_alert' (did you mean 'ticketAlert'?)",
  ],
  'sloth/examples/slo-plugin-getting-started.yml': [`7:1: ${SLO_PLUGIN}`, `21:5: ${SLO_PLUGIN}`],
  'sloth/examples/slo-plugin-k8s-getting-started.yml': [`17:3: ${SLO_PLUGIN}`, `29:7: ${SLO_PLUGIN}`],
  // Needs a VictoriaMetrics validation plugin, and its queries are MetricsQL, not PromQL.
  'sloth/examples/victoria-metrics.yml': [
    `9:1: ${SLO_PLUGIN}`,
    "27:24: 'slos[0].sli.events.error_query' is not valid PromQL: unknown function 'histogram_share'",
    "44:24: 'slos[1].sli.events.error_query' is not valid PromQL: unknown function 'histogram_share'",
  ],
  // Validated against the OpenSLO spec: `1m` is one minute, which is no calendar window (the example means 1M).
  // The OpenSLO examples' `type: Any` is a placeholder for "your backend": sloe names what it reads instead.
  'openslo/budgeting-method--timeslices-slo.yaml': [
    `18:19: ${anySource('spec.indicator.spec.ratioMetric.good.metricSource.type')}`,
    `23:19: ${anySource('spec.indicator.spec.ratioMetric.total.metricSource.type')}`,
    "27:17: 'spec.timeWindow[0].duration': a calendar window is 1w, 1M, 1Q or 1Y; '1m' is 1 minute (did you mean '1M'?)",
  ],
  'openslo/budgeting-method--occurences-slo.yaml': [`17:17: ${anySource('spec.indicator.spec.thresholdMetric.metricSource.type')}`],
  'openslo/budgeting-method--ratio-timeslices.yaml': [
    `18:19: ${anySource('spec.indicator.spec.ratioMetric.good.metricSource.type')}`,
    `23:19: ${anySource('spec.indicator.spec.ratioMetric.total.metricSource.type')}`,
  ],
  'openslo/treat-low-traffic-as-equally-important--timeslices-slo.yaml': [
    `16:19: ${anySource('spec.indicator.spec.ratioMetric.good.metricSource.type')}`,
    `21:19: ${anySource('spec.indicator.spec.ratioMetric.total.metricSource.type')}`,
  ],
};

/** Queries outside the embedded subset (subqueries, sum_over_time): valid only with a remote source. */
const NEEDS_REMOTE = ['sloth/examples/home-wifi.yml', 'sloth/examples/k8s-home-wifi.yml', 'sloth/examples/raw-home-wifi.yml'];

describe(`every peer spec in ${PEERS}`, () => {
  const files = walk(PEERS);
  const specs = files.filter((path) => /\.ya?ml$/.test(path) && !path.includes('/expected-rules/'));

  it('finds the folder and its specs', () => {
    expect(specs.length).toBeGreaterThanOrEqual(24);
    for (const name of Object.keys(REFUSED)) expect(specs.map((path) => relative(PEERS, path))).toContain(name);
  });

  for (const path of specs) {
    const name = relative(PEERS, path);
    it(`${name} ${REFUSED[name] === undefined ? 'loads into the model' : 'is refused with a clear message'}`, () => {
      const result = load(path, ['prometheus']);
      const expected = REFUSED[name];
      if (expected !== undefined) {
        expect(result.problems.map(formatProblem)).toEqual(expected.map((line) => `${name}:${line}`));
        return;
      }
      expect(result.problems.map(formatProblem)).toEqual([]);
      if (!name.startsWith('sloth/windows/')) expect(result.specs.slos.length).toBeGreaterThan(0);
    });
  }

  it('queries outside the embedded subset are problems without a remote source', () => {
    for (const name of NEEDS_REMOTE) {
      const problems = load(join(PEERS, name)).problems;
      expect(problems.length).toBeGreaterThan(0);
      for (const problem of problems) expect(problem.message).toMatch(/is not supported by the embedded engine.*no remote query source is configured/);
    }
  });

  it("Sloth's expected rules name the same SLOs, alerts and objectives as the loaded model", () => {
    let compared = 0;
    for (const path of files.filter((file) => file.includes('/expected-rules/'))) {
      const example = join(PEERS, 'sloth/examples', basename(path));
      if (basename(path).startsWith('openslo-') || REFUSED[relative(PEERS, example)] !== undefined) continue;
      type Groups = { rules: { record?: string; alert?: string; expr: string; labels?: Record<string, string> }[] }[];
      // Plain rule files have `groups`; the Kubernetes examples' PrometheusRule objects have `spec.groups`.
      const documents = parseAllDocuments(readFileSync(path, 'utf8')).map((document) => document.toJS() as { groups?: Groups; spec?: { groups: Groups } });
      const all = documents.flatMap((rules) => rules.groups ?? rules.spec?.groups ?? []).flatMap((group) => group.rules);
      expect(all.length).toBeGreaterThan(0);
      const objectives = new Map(all.filter((rule) => rule.record === 'slo:objective:ratio').map((rule) => [rule.labels?.sloth_id ?? '', Number(/vector\(([\d.e-]+)\)/.exec(rule.expr)?.[1])]));
      const alerts = new Set(all.flatMap((rule) => (rule.alert === undefined ? [] : [rule.alert])));
      const model = load(example, ['prometheus']).specs;
      expect(new Set(model.slos.map((slo) => slo.name))).toEqual(new Set(objectives.keys()));
      for (const slo of model.slos) {
        expect(slo.objectives[0]?.target).toBeCloseTo(objectives.get(slo.name) ?? Number.NaN, 12);
        if (slo.alerting.tiers.some((tier) => !tier.disabled)) expect(alerts).toContain(slo.alerting.name);
      }
      compared++;
    }
    expect(compared).toBeGreaterThanOrEqual(8);
  });

  it('the rule files beside them are not specs, and say so', () => {
    const rules = files.filter((file) => file.includes('/expected-rules/'));
    expect(rules.length).toBeGreaterThan(0);
    for (const path of rules) {
      const messages = load(path).problems.map((problem) => problem.message);
      expect(messages.length).toBeGreaterThan(0);
      for (const message of messages) expect(message).toMatch(/^(missing required field 'apiVersion' \(one of|unknown apiVersion 'monitoring\.coreos\.com\/v1'; expected one of sloe\/v1)/);
    }
  });
});
