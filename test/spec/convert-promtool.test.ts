/**
 * Rules generated from a Sloth file and from its OpenSLO and Pyrra conversions, evaluated by the real promtool
 * (`promtool test rules`) over the same input series, give the same error ratio for every window all three record,
 * and that ratio is the one an oracle reads off the series. One test file with one set of expectations runs against
 * each rule set, so passing for all three is agreeing.
 *
 * The series are counters sampled every minute from t = 0 with a constant rate per phase (1 % errors for 4 hours,
 * then 10 %). At an evaluation time t and a window w ≤ t both ends of the range hold a sample, so Prometheus's rate()
 * extrapolates nothing and rate·w is the exact increase the oracle computes; over a window reaching before t = 0
 * (1d, 3d) rate() extrapolates good and bad alike and both counters start at 0, so the ratio is still the series' ratio
 * since t = 0. The period's window (30d) is a sum of 5-minute recordings, whose first minutes Prometheus extrapolates
 * from a partial window, so it has no exact oracle and is left out. Values are compared as
 * round(ratio · 10⁶), which keeps the comparison exact while floating-point noise in rate·w·(1/w) is ignored.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Slo } from '../../src/core/index.js';
import { formatDuration, parseDuration } from '../../src/core/index.js';
import { generateRules, renderRuleFile } from '../../src/generate/index.js';
import { counter, promtool } from '../generate/promtool.js';
import { load, roundTrip } from './round-trip.js';

const INPUT = 'test/generate/golden/sloth-getting-started.sloth.split.in.yaml';
const METRIC = 'http_request_duration_seconds_count{job="myservice"';
const PHASE = 240; // minutes of 1 % errors before the 10 % phase
const MINUTES = 480;
/** Cumulative good (200) and bad (500) requests at minute k: 100 a minute, 1 then 10 of them errors. */
const bad = (k: number): number => (k <= PHASE ? k : PHASE + 10 * (k - PHASE));
const good = (k: number): number => 100 * k - bad(k);
/** The error ratio over (t - w, t] from the counters, both in minutes; a window reaching before t = 0 holds what there is. */
const oracle = (t: number, w: number): number => (bad(t) - bad(Math.max(0, t - w))) / (100 * Math.min(t, w));
/** Evaluation times (minutes): in the first phase, across the change, and deep in the second. */
const AT = [120, 270, 480];

const dir = mkdtempSync(join(tmpdir(), 'sloe-convert-promtool-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Windows (as rule names write them) whose error ratio a rule set records. */
function recordedWindows(slos: readonly Slo[]): Set<string> {
  const rules = generateRules(slos, {});
  expect(rules.problems).toEqual([]);
  return new Set(rules.files.flatMap((file) => file.groups.flatMap((group) => group.rules.flatMap((rule) => ('record' in rule && rule.record.startsWith('slo:sli_error:ratio_rate') ? [rule.record.slice('slo:sli_error:ratio_rate'.length)] : [])))));
}

/** promtool's test file: the series in expanding notation, one expression test per window and time. */
function unitTest(ruleFile: string, windows: readonly string[]): string {
  // Two constant-rate runs, minutes 0..PHASE and PHASE+1..MINUTES, as good() and bad() count them.
  const series = (code: string, perMinute: readonly [number, number]) =>
    `      - series: '${METRIC},code="${code}"}'\n        values: '${counter([{ perStep: perMinute[0], steps: PHASE }, { perStep: perMinute[1], steps: MINUTES - PHASE }])}'\n`;
  const tests = AT.flatMap((t) =>
    windows
      .filter((window) => window !== '30d')
      .map((window) => `      - expr: round(max(slo:sli_error:ratio_rate${window}) * 1e6)\n        eval_time: ${formatDuration(t * 60_000)}\n        exp_samples:\n          - labels: '{}'\n            value: ${Math.round(oracle(t, parseDuration(window)! / 60_000) * 1e6)}\n`),
  );
  return `rule_files: ['${ruleFile}']\nevaluation_interval: 1m\ntests:\n  - interval: 1m\n    input_series:\n${series('200', [good(1), good(PHASE + 1) - good(PHASE)])}${series('500', [bad(1), bad(PHASE + 1) - bad(PHASE)])}    promql_expr_test:\n${tests.join('')}`;
}

describe('a Sloth file and its OpenSLO and Pyrra conversions under promtool test rules', () => {
  const slos = load([{ path: INPUT, text: readFileSync(INPUT, 'utf8') }]).specs.slos;
  const sets: Record<string, readonly Slo[]> = { sloth: slos, openslo: roundTrip(slos, 'openslo'), pyrra: roundTrip(slos, 'pyrra') };
  // Pyrra alerts over windows of its own table; the windows every set records are compared (5m to 30d here).
  const shared = [...recordedWindows(slos)].filter((window) => Object.values(sets).every((set) => recordedWindows(set).has(window)));

  it('records the default table\'s windows in every set', () => {
    expect(shared).toEqual(['5m', '30m', '1h', '2h', '6h', '1d', '3d', '30d']);
  });

  it.each(Object.keys(sets))('rules from the %s spec give the oracle\'s error ratio for every shared window', (format) => {
    const rules = generateRules(sets[format]!, {});
    expect(rules.files).toHaveLength(1);
    const ruleFile = join(dir, `${format}.rules.yaml`);
    writeFileSync(ruleFile, renderRuleFile(rules.files[0]!));
    const testFile = join(dir, `${format}.test.yaml`);
    writeFileSync(testFile, unitTest(ruleFile, shared));
    const result = promtool(['test', 'rules', testFile]);
    expect(result.output).toContain('SUCCESS');
    expect(result.status, result.output).toBe(0);
  });

  it('promtool fails the same test when an expectation is off, so agreement is not vacuous', () => {
    const rules = generateRules(slos, {});
    const ruleFile = join(dir, 'off.rules.yaml');
    writeFileSync(ruleFile, renderRuleFile(rules.files[0]!));
    const testFile = join(dir, 'off.test.yaml');
    writeFileSync(testFile, unitTest(ruleFile, shared).replace(/value: (\d+)/, (_match, value: string) => `value: ${Number(value) + 1}`));
    expect(promtool(['test', 'rules', testFile]).status).not.toBe(0);
  });
});
