import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Slo } from '../../src/core/index.js';
import { generateRules } from '../../src/generate/index.js';
import { convertSpecs, TARGET_FORMATS } from '../../src/spec/index.js';
import { load, roundTrip, withoutOrigin } from './round-trip.js';

const DIR = 'test/spec/convert';
const UPDATE = process.env.UPDATE_GOLDEN === '1';

describe('convert: golden output for every target', () => {
  const input = join(DIR, 'mixed.in.yaml');
  const slos = load([{ path: input, text: readFileSync(input, 'utf8') }]).specs.slos;

  for (const target of TARGET_FORMATS) {
    it(`--to ${target}`, () => {
      const { files, inexpressible } = convertSpecs(slos, target);
      const refused = inexpressible.map(({ slo, message }) => `# cannot be written: ${slo.name}: ${message}\n`).join('');
      const actual = `${refused}${files.map((file) => `# file: ${file.fileName}\n${file.content}`).join('')}`;
      const golden = join(DIR, `mixed.${target}.golden.yaml`);
      if (UPDATE || !existsSync(golden)) {
        if (!UPDATE) throw new Error(`${golden} is missing; create it with UPDATE_GOLDEN=1`);
        writeFileSync(golden, actual);
      }
      expect(actual).toBe(readFileSync(golden, 'utf8'));
      // Whatever was written must load again.
      expect(load(files.map((file) => ({ path: file.fileName, text: file.content }))).problems).toEqual([]);
    });
  }

  it('names what a target cannot express', () => {
    const { inexpressible } = convertSpecs(slos, 'sloth');
    expect(inexpressible.map(({ slo, message }) => `${slo.name}: ${message}`)).toEqual(expect.arrayContaining([
      'api-latency: a latency SLI (Sloth has events and raw SLIs only)',
      'search-queue-depth: a calendar window (Sloth periods are rolling)',
    ]));
  });
});

const word = fc.stringMatching(/^[a-z][a-z0-9]{0,6}$/);
const target = fc.constantFrom(90, 95, 99, 99.5, 99.9, 99.95);

/** A Sloth service with one events SLO, as Sloth's documentation writes them. */
const slothSpec = fc.record({ service: word, name: word, target, job: word, page: fc.boolean(), ticketLabel: fc.option(word, { nil: undefined }) }).map((spec) => `version: "prometheus/v1"
service: ${spec.service}
slos:
  - name: ${spec.name}
    objective: ${spec.target}
    sli:
      events:
        error_query: sum(rate(http_requests_total{job="${spec.job}",code=~"5.."}[{{.window}}]))
        total_query: sum(rate(http_requests_total{job="${spec.job}"}[{{.window}}]))
    alerting:
      page_alert:
        disable: ${spec.page ? 'false' : 'true'}
${spec.ticketLabel === undefined ? '' : `      ticket_alert:\n        labels:\n          route: ${spec.ticketLabel}\n`}`);

/** A Pyrra SLO of each indicator Pyrra and the model share. */
const pyrraSpec = fc.record({ name: word, target, job: word, window: fc.constantFrom('7d', '14d', '28d', '30d'), kind: fc.constantFrom('ratio', 'latency', 'bool_gauge'), disabled: fc.boolean() }).map((spec) => {
  const indicator = spec.kind === 'ratio'
    ? `    ratio:\n      errors:\n        metric: http_requests_total{job="${spec.job}",code=~"5.."}\n      total:\n        metric: http_requests_total{job="${spec.job}"}`
    : spec.kind === 'latency'
      ? `    latency:\n      success:\n        metric: h_bucket{job="${spec.job}",le="0.25"}\n      total:\n        metric: h_count{job="${spec.job}"}`
      : `    bool_gauge:\n      metric: probe_success{job="${spec.job}"}`;
  return `apiVersion: pyrra.dev/v1alpha1
kind: ServiceLevelObjective
metadata:
  name: ${spec.name}
spec:
  target: "${spec.target}"
  window: ${spec.window}
  indicator:
${indicator}
  alerting:
    disabled: ${spec.disabled}
`;
});

describe('convert: read, convert, read back gives the same model', () => {
  it('Sloth SLOs through sloth and sloe', () => {
    fc.assert(
      fc.property(slothSpec, (text) => {
        const slos = load([{ path: 'in.yaml', text }]).specs.slos;
        expect(slos).toHaveLength(1);
        for (const format of ['sloth', 'sloe'] as const) expect(withoutOrigin(roundTrip(slos, format)), format).toEqual(withoutOrigin(slos));
      }),
      { numRuns: 40, seed: 20261206 },
    );
  });

  it('Pyrra SLOs through pyrra', () => {
    fc.assert(
      fc.property(pyrraSpec, (text) => {
        const slos = load([{ path: 'in.yaml', text }]).specs.slos;
        expect(slos).toHaveLength(1);
        expect(withoutOrigin(roundTrip(slos, 'pyrra'))).toEqual(withoutOrigin(slos));
      }),
      { numRuns: 40, seed: 20261206 },
    );
  });
});

describe('convert: a Sloth file and its conversions generate the same rules', () => {
  const input = 'test/generate/golden/sloth-getting-started.sloth.split.in.yaml';
  const slos = load([{ path: input, text: readFileSync(input, 'utf8') }]).specs.slos;

  /** Recording expressions by record name: what Prometheus computes, whatever the source format. */
  function recordings(from: readonly Slo[]): Map<string, string> {
    const rules = generateRules(from, { labelProfile: 'sloth' });
    expect(rules.problems).toEqual([]);
    // The info series names the source format (`sloth_spec`): the one label a conversion changes by design.
    const key = (record: string, labels: Readonly<Record<string, string>> = {}): string => `${record}${JSON.stringify({ ...labels, sloth_spec: undefined })}`;
    return new Map(rules.files.flatMap((file) => file.groups.flatMap((group) => group.rules.flatMap((rule) => ('record' in rule ? [[key(rule.record, rule.labels), rule.expr] as const] : [])))));
  }

  it('from its OpenSLO conversion', () => {
    expect(recordings(roundTrip(slos, 'openslo'))).toEqual(recordings(slos));
  });

  it('from its Pyrra conversion: the same expressions for every window both have', () => {
    const fromPyrra = recordings(roundTrip(slos, 'pyrra'));
    const fromSloth = recordings(slos);
    // Pyrra alerts with its own table (factors 14, 7, 2, 1 over its windows), named in the converted file's comment;
    // every window both have, and what is computed over it, must agree. Event counts read the bare counter as Pyrra does.
    const shared = [...fromSloth.keys()].filter((key) => fromPyrra.has(key) && !key.startsWith('slo:events_'));
    // At 30d Pyrra's windows (scaled from its 28d table) differ from Sloth's; the period's own window is shared.
    expect(shared.some((key) => key.startsWith('slo:sli_error:ratio_rate30d'))).toBe(true);
    for (const key of shared) expect(fromPyrra.get(key), key).toBe(fromSloth.get(key));
  });
});

/** A sloe/v1 SLO over the model's main axes: SLI kind, window kind, budgeting method, objectives, alerting overrides. */
const sloeSpec = fc
  .record({
    name: word,
    service: word,
    job: word,
    sli: fc.constantFrom('good', 'bad', 'latency'),
    window: fc.constantFrom('7d', '28d', '30d', 'month', 'week'),
    timeslices: fc.boolean(),
    targets: fc.uniqueArray(target, { minLength: 1, maxLength: 2 }),
    pageSeverity: fc.option(word, { nil: undefined }),
    ticketDisabled: fc.boolean(),
    label: fc.option(word, { nil: undefined }),
  })
  .map((spec) => {
    const sli = spec.sli === 'latency'
      ? `    latency:\n      histogram: http_request_duration_seconds_bucket{job="${spec.job}"}\n      threshold: 0.25\n`
      : `    ratio:\n      ${spec.sli}: sum(rate(http_requests_total{job="${spec.job}",code${spec.sli === 'good' ? '!~' : '=~'}"5.."}[{{.window}}]))\n      total: sum(rate(http_requests_total{job="${spec.job}"}[{{.window}}]))\n`;
    const window = spec.window === 'month' || spec.window === 'week' ? `\n    calendar: ${spec.window}\n    timeZone: Europe/Berlin` : ` ${spec.window}`;
    const objectives = spec.targets.map((value, index) => `    - key: o${index}\n      targetPercent: ${value}\n${spec.timeslices ? '      timeSliceWindow: 5m\n      timeSliceTarget: 0.95\n' : ''}`).join('');
    return `apiVersion: sloe/v1
kind: SLO
metadata:
  name: ${spec.name}
${spec.label === undefined ? '' : `  labels:\n    team: ${spec.label}\n`}spec:
  service: ${spec.service}
  window:${window}
  budgetingMethod: ${spec.timeslices ? 'Timeslices' : 'Occurrences'}
  objectives:
${objectives}  sli:
${sli}  alerting:
${spec.pageSeverity === undefined ? '' : `    page:\n      severity: ${spec.pageSeverity}\n`}    ticket:
      disable: ${spec.ticketDisabled}
`;
  });

/** An OpenSLO v1 SLO with an inline ratio indicator, as the spec's examples write them. */
const opensloSpec = fc
  .record({ name: word, service: word, job: word, side: fc.constantFrom('good', 'bad'), counter: fc.boolean(), window: fc.constantFrom('7d', '28d', '30d'), targets: fc.uniqueArray(target, { minLength: 1, maxLength: 2 }), timeslices: fc.boolean() })
  .map((spec) => {
    const query = (selector: string) => (spec.counter ? selector : `sum(rate(${selector}[{{.window}}]))`);
    const code = spec.side === 'good' ? '!~' : '=~';
    const objectives = spec.targets.map((value, index) => `    - displayName: objective ${index}\n      target: ${value / 100}\n${spec.timeslices ? '      timeSliceTarget: 0.95\n      timeSliceWindow: 1m\n' : ''}`).join('');
    return `apiVersion: openslo/v1
kind: SLO
metadata:
  name: ${spec.name}
spec:
  service: ${spec.service}
  indicator:
    metadata:
      name: ${spec.name}-sli
    spec:
      ratioMetric:
        counter: ${spec.counter}
        ${spec.side}:
          metricSource:
            type: Prometheus
            spec:
              query: ${query(`http_requests_total{job="${spec.job}",code${code}"5.."}`)}
        total:
          metricSource:
            type: Prometheus
            spec:
              query: ${query(`http_requests_total{job="${spec.job}"}`)}
  timeWindow:
    - duration: ${spec.window}
      isRolling: true
  budgetingMethod: ${spec.timeslices ? 'Timeslices' : 'Occurrences'}
  objectives:
${objectives}`;
  });

/** A Google slo-generator SLO (Prometheus backend) of each method sloe reads, without a policy (sloe's own tiers). */
const sloGeneratorSpec = fc.record({ name: word, service: word, job: word, method: fc.constantFrom('good', 'bad', 'distribution_cut'), goal: target }).map((spec) => {
  const indicator = spec.method === 'distribution_cut'
    ? `  method: distribution_cut\n  service_level_indicator:\n    expression: http_request_duration_seconds_bucket{job="${spec.job}"}\n    threshold_bucket: 0.5\n`
    : `  method: good_bad_ratio\n  service_level_indicator:\n    filter_${spec.method}: http_requests_total{job="${spec.job}",code${spec.method === 'good' ? '!~' : '=~'}"5.."}\n    filter_valid: http_requests_total{job="${spec.job}"}\n`;
  return `apiVersion: sre.google.com/v2
kind: ServiceLevelObjective
metadata:
  name: ${spec.name}
  labels:
    service_name: ${spec.service}
spec:
  backend: prometheus
${indicator}  goal: ${spec.goal / 100}
`;
});

describe('convert: read, convert, read back gives the same model (native, OpenSLO and slo-generator inputs)', () => {
  it('sloe/v1 SLOs through sloe', () => {
    fc.assert(
      fc.property(sloeSpec, (text) => {
        const loaded = load([{ path: 'in.yaml', text }]);
        expect(loaded.problems).toEqual([]);
        expect(withoutOrigin(roundTrip(loaded.specs.slos, 'sloe'))).toEqual(withoutOrigin(loaded.specs.slos));
      }),
      { numRuns: 40, seed: 20261206 },
    );
  });

  it('OpenSLO SLOs through openslo and sloe', () => {
    fc.assert(
      fc.property(opensloSpec, (text) => {
        const loaded = load([{ path: 'in.yaml', text }]);
        expect(loaded.problems).toEqual([]);
        for (const format of ['openslo', 'sloe'] as const) expect(withoutOrigin(roundTrip(loaded.specs.slos, format)), format).toEqual(withoutOrigin(loaded.specs.slos));
      }),
      { numRuns: 40, seed: 20261206 },
    );
  });

  it('slo-generator SLOs through sloe, and through openslo where OpenSLO has the indicator', () => {
    fc.assert(
      fc.property(sloGeneratorSpec, (text) => {
        const loaded = load([{ path: 'in.yaml', text }]);
        expect(loaded.problems).toEqual([]);
        const slos = loaded.specs.slos;
        expect(withoutOrigin(roundTrip(slos, 'sloe'))).toEqual(withoutOrigin(slos));
        if (slos[0]!.sli.kind === 'latency') return;
        // OpenSLO names an objective only by its displayName: the key is written as one and read back as both.
        const named = slos.map((slo) => ({ ...slo, objectives: slo.objectives.map((objective) => ({ ...objective, displayName: objective.displayName ?? objective.key })) }));
        expect(withoutOrigin(roundTrip(slos, 'openslo'))).toEqual(withoutOrigin(named));
      }),
      { numRuns: 40, seed: 20261206 },
    );
  });
});
