import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments, stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { generateRules, renderRuleFile } from '../../src/generate/index.js';
import type { AlertingRule, RecordingRule, Rule } from '../../src/generate/index.js';
import { loadSpecs } from '../../src/spec/index.js';
import { promtool } from './promtool.js';

/**
 * Sloth's own examples through sloe's Sloth label profile, against the rules Sloth generated from them
 * (`<root>/examples/NAME` beside `<root>/expected-rules/NAME`, Sloth's default 30-day windows). `npm test` runs it on
 * the examples copied into test/generate/sloth/; the conformance suite (`npm run test:peers`) on every Sloth example. Equivalent means: the same recording rules
 * (names, labels) over the same queries and windows, the same metadata values, and alerts firing on the same
 * window pairs and thresholds with the same labels and annotations. Where sloe deliberately differs, the test says so:
 *
 * - The period SLI (`slo:sli_error:ratio_rate30d`) of an events SLI is computed from recorded event counts
 *   (1 - good/total over the period), where Sloth averages the 5m ratios; an average of ratios weighs a quiet
 *   five minutes like a busy one. Raw-ratio SLIs have no events, and there sloe averages like Sloth.
 * - The short-window error ratios are 1 - good/total of recorded event counts (good = total - errors), the same
 *   value as Sloth's errors/total, with the counts kept for the period SLI and dashboards.
 * - Sloth writes one alert per severity OR-ing its two tiers; sloe writes one per tier (its own `for`, and an
 *   `slo_tier` label), so the union fires on exactly Sloth's conditions. Sloth sets no `for`; sloe uses the tier's.
 * - sloe adds records (event counts, `slo:burn_rate:ratio` per window, `slo:period_sli:ratio`), a no-data alert,
 *   a description annotation, and group intervals; `sloth_slo_info` carries sloe's mode and spec, not Sloth's version.
 * - Sloth's expected output carries `cmd: examplesgen.sh`, an extra label of the command that generated the examples,
 *   not part of any spec; it is ignored.
 * - OpenSLO objectives: Sloth names each `<slo>-<index>`; sloe names a lone objective by its SLO's name
 *   (`objectiveName()`, as the engine and API do) and several as `<slo>:<key>`. The test maps Sloth's names to sloe's.
 * - Sloth writes no alerts for OpenSLO specs; sloe alerts them with the default tiers.
 * Examples using Sloth's Go plugins are refused by the loader (sloe cannot run Go code) and are not compared.
 */
const IGNORED_LABELS = new Set(['cmd']);

interface RuleDocument {
  groups?: { name: string; rules: SlothRule[] }[];
  spec?: { groups?: { name: string; rules: SlothRule[] }[] };
}

interface SlothRule {
  record?: string;
  alert?: string;
  expr: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

function withoutIgnored(labels: Record<string, string> = {}): Record<string, string> {
  return Object.fromEntries(Object.entries(labels).filter(([key]) => !IGNORED_LABELS.has(key)));
}

function squash(expr: string): string {
  return expr.replace(/\s+/g, '');
}

/**
 * The queries of an events SLI as Sloth writes it: `(errors) / (total)`, or for a good/total ratio (OpenSLO)
 * `(1 - ((good) / (total)))`. Returns undefined for a raw query.
 */
function slothEventQueries(expr: string): { errors?: string; good?: string; total: string } | undefined {
  const squashed = squash(expr);
  const goodForm = /^\(1-\(\((.*)\)\/\((.*)\)\)\)$/.exec(squashed);
  if (goodForm) return { good: goodForm[1]!, total: goodForm[2]! };
  if (!expr.includes('\n/\n')) return undefined;
  const [errors, total] = expr.trim().split('\n/\n');
  const strip = (text = ''): string => squash(text).replace(/^\(/, '').replace(/\)$/, '');
  return { errors: strip(errors), total: strip(total) };
}

/** `(short > (B * budget)) and (long > (B * budget))` pairs of an alert expression. */
function windowPairs(expr: string): string[] {
  const conditions = [...expr.matchAll(/slo:sli_error:ratio_rate(\w+)\{[^}]*\} > \(([\d.]+) \* ([\d.e-]+)\)/g)].map((match) => ({ window: match[1]!, factor: Number(match[2]), budget: Number(match[3]) }));
  const pairs: string[] = [];
  for (let index = 0; index + 1 < conditions.length; index += 2) {
    const short = conditions[index]!;
    const long = conditions[index + 1]!;
    pairs.push(`${short.window}/${long.window} > ${short.factor} x ${Number(short.budget.toPrecision(9))}`);
  }
  return pairs;
}

function evaluateVector(expr: string): number {
  const inside = /^vector\((.*)\)$/.exec(expr.trim())?.[1] ?? '';
  const parts = /^1-(.*)$/.exec(inside);
  return parts ? 1 - Number(parts[1]) : Number(inside);
}

/**
 * Registers the comparison for every example under `root` that does not need Sloth's Go plugins, and fails when there
 * are fewer than `minimumExamples` of them (so an emptied or misplaced folder cannot pass).
 */
export function describeSlothEquivalence(peers: string, minimumExamples: number): void {
  const examples = readdirSync(join(peers, 'examples')).filter((name) => !name.includes('plugin') && !name.startsWith('victoria-metrics') && !name.startsWith('contrib-'));

  describe('Sloth label profile against Sloth\'s own output', () => {
    it('compares every example that does not need Sloth plugins', () => {
      expect(examples.length).toBeGreaterThanOrEqual(minimumExamples);
    });

    for (const example of examples) {
      it(example, () => {
        const loaded = loadSpecs([{ path: example, content: readFileSync(join(peers, 'examples', example)) }], { remoteSources: ['prometheus'] });
        expect(loaded.problems).toEqual([]);
        const ours = generateRules(loaded.specs.slos, { labelProfile: 'sloth' });
        expect(ours.problems).toEqual([]);
        // Plain rule files, one per document, or Kubernetes PrometheusRule objects (`spec.groups`).
        let text = readFileSync(join(peers, 'expected-rules', example), 'utf8');
        if (example.startsWith('openslo-')) {
          // Sloth names OpenSLO objectives `<slo>-<index>`; sloe names a lone objective by its SLO (objectiveName()).
          for (const slo of loaded.specs.slos) {
            slo.objectives.forEach((objective, index) => {
              const ours = slo.objectives.length === 1 ? slo.name : `${slo.name}:${objective.key}`;
              text = text.replaceAll(`${slo.name}-${index}`, ours);
            });
          }
        }
        const documents = parseAllDocuments(text).map((document) => document.toJS() as RuleDocument | null);
        const expected = { groups: documents.flatMap((document) => document?.groups ?? document?.spec?.groups ?? []) };
        const ourGroups = ours.files.flatMap((file) => file.groups);
        const ourRules: Rule[] = ourGroups.flatMap((group) => group.rules);
        // Same group names for the SLI recordings, metadata and alerts.
        for (const group of expected.groups) expect(ourGroups.map((ourGroup) => ourGroup.name)).toContain(group.name);

        const slothRecords = expected.groups.flatMap((group) => group.rules).filter((rule) => rule.record !== undefined);
        for (const rule of slothRecords) {
          const labels = withoutIgnored(rule.labels);
          const id = labels.sloth_id!;
          const mine = ourRules.filter((candidate): candidate is RecordingRule => 'record' in candidate && candidate.labels.sloth_id === id);
          if (rule.record === 'sloth_slo_info') {
            const info = mine.find((candidate) => candidate.record === 'sloth_slo_info');
            const { sloth_mode: _mode, sloth_spec: _spec, sloth_version: _version, ...compared } = labels;
            expect(info?.labels, `${id} info`).toMatchObject(compared);
            continue;
          }
          const same = mine.find((candidate) => candidate.record === rule.record);
          expect(same, `${id}: ${rule.record} ${JSON.stringify(labels)}`).toBeDefined();
          expect(same!.labels, `${id}: labels of ${rule.record}`).toEqual(labels);
          const window = labels.sloth_window;
          if (rule.record!.startsWith('slo:sli_error:ratio_rate') && window !== '30d') {
            const queries = slothEventQueries(rule.expr);
            if (queries !== undefined) {
              // Events SLI: our event counts run Sloth's queries over the same window.
              const good = mine.find((candidate) => candidate.record === `slo:events_good:increase${window}`);
              const totalCount = mine.find((candidate) => candidate.record === `slo:events_total:increase${window}`);
              expect(squash(totalCount!.expr)).toContain(queries.total);
              expect(squash(good!.expr)).toContain(queries.errors ?? queries.good);
            } else {
              expect(squash(same!.expr)).toContain(squash(rule.expr));
            }
          } else if (rule.record!.startsWith('slo:sli_error:ratio_rate')) {
            // The period: deliberately from event counts for events SLIs, averaged like Sloth for raw ones.
            const raw = !mine.some((candidate) => candidate.record.startsWith('slo:events_'));
            expect(same!.expr).toContain(raw ? 'count_over_time(slo:sli_error:ratio_rate5m' : 'slo:events_good:increase30d');
          } else if (rule.expr.trim().startsWith('vector(')) {
            expect(evaluateVector(same!.expr), `${id}: ${rule.record}`).toBeCloseTo(evaluateVector(rule.expr), 9);
          } else {
            // Burn rates and budget remaining: the same expression, up to spacing and the order of the `on` labels.
            const normalise = (expr: string): string => squash(expr).replace(/on\(([^)]*)\)/g, (_, list: string) => `on(${list.split(',').sort().join(',')})`);
            expect(normalise(same!.expr), `${id}: ${rule.record}`).toBe(normalise(rule.expr));
          }
        }

        const slothAlerts = expected.groups.flatMap((group) => group.rules).filter((rule) => rule.alert !== undefined);
        const ourAlerts = ourRules.filter((rule): rule is AlertingRule => 'alert' in rule && rule.labels.slo_tier !== 'nodata');
        if (example.startsWith('openslo-')) {
          // Sloth writes no alerts for OpenSLO specs; sloe alerts every SLO with the default tiers.
          expect(slothAlerts).toEqual([]);
          expect(ourAlerts.length).toBe(loaded.specs.slos.reduce((count, slo) => count + slo.objectives.length * 4, 0));
          return;
        }
        expect(ourAlerts.length, 'one sloe alert per Sloth tier').toBe(slothAlerts.length * 2);
        for (const alert of slothAlerts) {
          const id = /sloth_id="([^"]+)"/.exec(alert.expr)?.[1];
          const severity = alert.labels?.sloth_severity;
          const mine = ourAlerts.filter((candidate) => candidate.expr.includes(`sloth_id="${id}"`) && candidate.labels.sloth_severity === severity);
          expect(mine.map((candidate) => candidate.alert)).toEqual([alert.alert, alert.alert]);
          expect(mine.flatMap((candidate) => windowPairs(candidate.expr)).sort(), `${id} ${severity}`).toEqual(windowPairs(alert.expr).sort());
          for (const candidate of mine) {
            const { slo_tier: _tier, ...labels } = candidate.labels;
            expect(labels, `${id} ${severity} labels`).toEqual(withoutIgnored(alert.labels));
            expect(candidate.annotations, `${id} ${severity} annotations`).toMatchObject(alert.annotations ?? {});
          }
        }
      });
    }
  });

  describe('Sloth profile and Sloth\'s rules evaluated side by side by promtool', () => {
    it('getting-started: the same error ratios in every alert window and the same alerts active (pending or firing), hour by hour through a burn', () => {
      const example = 'getting-started.yml';
      const loaded = loadSpecs([{ path: example, content: readFileSync(join(peers, 'examples', example)) }]);
      const ours = generateRules(loaded.specs.slos, { labelProfile: 'sloth' }).files[0]!;
      // Sloth's rules renamed to sloth_ref:* (records and their references), so both sets can run in one Prometheus.
      const reference = readFileSync(join(peers, 'expected-rules', example), 'utf8').replace(/(?<![\w])slo:/g, 'sloth_ref:');
      const dir = mkdtempSync(join(tmpdir(), 'sloe-sloth-side-by-side-'));
      try {
        writeFileSync(join(dir, 'ours.yaml'), renderRuleFile(ours));
        writeFileSync(join(dir, 'sloth.yaml'), reference);
        const selector = '{sloth_id="myservice-requests-availability"}';
        const windows = ['5m', '30m', '1h', '2h', '6h'];
        const times = ['30m', '2h', '3h', '4h', '5h', '6h', '7h'];
        const differs = windows.map((window) => `abs(slo:sli_error:ratio_rate${window}${selector} - ignoring(cmd) sloth_ref:sli_error:ratio_rate${window}${selector}) > 1e-9`);
        // An alert (pending or firing) of one set whose severity the other set has no alert of.
        const onlyOne = (mine: string, theirs: string): string =>
          `count by (sloth_severity) (ALERTS{alertname="MyServiceHighErrorRate", ${mine}}) unless on(sloth_severity) count by (sloth_severity) (ALERTS{alertname="MyServiceHighErrorRate", ${theirs}})`;
        const test = {
          rule_files: ['ours.yaml', 'sloth.yaml'],
          evaluation_interval: '1m',
          tests: [
            {
              interval: '1m',
              // 2 h healthy at 1000 req/min, 1 h at 3 % errors (30x), 1 h at 0.4 % (4x), then healthy again.
              input_series: [
                { series: 'http_request_duration_seconds_count{job="myservice",code="200"}', values: '0+1000x120 120970+970x59 179170+996x59 238000+1000x180' },
                { series: 'http_request_duration_seconds_count{job="myservice",code="503"}', values: '0x120 30+30x59 1804+4x59 2040x180' },
              ],
              promql_expr_test: [
                ...times.flatMap((time) => differs.map((expr) => ({ expr, eval_time: time, exp_samples: [] }))),
                ...times.flatMap((time) => [
                  { expr: onlyOne('slo_tier!=""', 'slo_tier=""'), eval_time: time, exp_samples: [] },
                  { expr: onlyOne('slo_tier=""', 'slo_tier!=""'), eval_time: time, exp_samples: [] },
                ]),
                // And the comparison is not vacuous: both sets record every window, and the page alert is active in both during the burn.
                ...windows.map((window) => ({ expr: `count(sloth_ref:sli_error:ratio_rate${window}${selector}) + count(slo:sli_error:ratio_rate${window}${selector})`, eval_time: '3h', exp_samples: [{ labels: '{}', value: 2 }] })),
                { expr: 'count(ALERTS{alertname="MyServiceHighErrorRate", sloth_severity="page", slo_tier=""})', eval_time: '3h', exp_samples: [{ labels: '{}', value: 1 }] },
                { expr: 'count(ALERTS{alertname="MyServiceHighErrorRate", sloth_severity="page", slo_tier="page-fast"})', eval_time: '3h', exp_samples: [{ labels: '{}', value: 1 }] },
              ],
            },
          ],
        };
        writeFileSync(join(dir, 'test.yaml'), stringify(test, { lineWidth: 0 }));
        const result = promtool(['test', 'rules', 'test.yaml'], dir);
        expect(result.output).toContain('SUCCESS');
        expect(result.status, result.output).toBe(0);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }, 90_000);
  });
}
