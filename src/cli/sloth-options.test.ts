import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { readSpecSet } from '../app/index.js';
import { loadSpecs } from '../spec/index.js';
import { runCli } from '../../test/helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'sloe-sloth-options-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

/** Runs `sloe ...` through the real program. */
function run(...args: string[]): ReturnType<typeof runCli> {
  return runCli(args);
}

function sloth(alerting: string, errorQuery = 'sum(rate(http_requests_total{job="api",code=~"5.."}[{{.window}}]))'): string {
  return `version: "prometheus/v1"
service: api
slos:
  - name: requests-availability
    objective: 99.9
    sli:
      events:
        error_query: ${errorQuery}
        total_query: sum(rate(http_requests_total{job="api"}[{{.window}}]))
    alerting:
${alerting}
`;
}

interface RuleFileShape {
  groups: { rules: { alert?: string; record?: string; labels?: Record<string, string> }[] }[];
}

async function generatedRules(path: string, ...flags: string[]): Promise<RuleFileShape['groups'][number]['rules']> {
  const out = mkdtempSync(join(dir, 'out-'));
  const result = await run('generate', '--slos', path, '--rules-out', join(out, 'rules'), '--dashboards-out', join(out, 'dashboards'), ...flags);
  expect(result.code, result.stdout + result.stderr).toBe(0);
  const [name] = readdirSync(join(out, 'rules'));
  const rules = parse(readFileSync(join(out, 'rules', name ?? ''), 'utf8')) as RuleFileShape;
  return rules.groups.flatMap((group) => group.rules);
}

describe('Sloth: validate and generate run one set of checks', () => {
  it('refuses an empty alerting.name in validate, at the value, as generate does', async () => {
    const path = file('empty-name.yaml', sloth('      name: ""'));
    const validate = await run('validate', path);
    expect(validate.code).toBe(1);
    expect(validate.stdout).toBe(`${path}:11:13: 'slos[0].alerting.name' must not be empty\n`);
    const generate = await run('generate', '--slos', path, '--rules-out', join(dir, 'r'), '--dashboards-out', join(dir, 'd'));
    expect(generate.code).toBe(1);
    expect(generate.stdout).toBe(validate.stdout);
  });
});

describe('Sloth: the no-data alert follows the alerting settings', () => {
  it('is not generated when both page and ticket alerts are disabled', async () => {
    const path = file('silent.yaml', sloth('      name: ApiErrors\n      page_alert: { disable: true }\n      ticket_alert: { disable: true }'));
    const rules = await generatedRules(path);
    expect(rules.filter((rule) => rule.alert !== undefined)).toEqual([]);
  });

  it('carries the ticket alert labels the user routes on', async () => {
    const path = file('routed.yaml', sloth('      name: ApiErrors\n      labels: { team: web }\n      ticket_alert:\n        labels: { severity: slack, slack_channel: "#api-alerts" }'));
    const rules = await generatedRules(path);
    const noData = rules.find((rule) => rule.alert === 'ApiErrorsNoData');
    expect(noData?.labels).toMatchObject({ team: 'web', severity: 'slack', slack_channel: '#api-alerts' });
  });

  it('is routed like the page alert when only the ticket alert is disabled', async () => {
    const path = file('page-only.yaml', sloth('      name: ApiErrors\n      page_alert:\n        labels: { severity: pagerduty }\n      ticket_alert: { disable: true }'));
    const rules = await generatedRules(path);
    expect(rules.find((rule) => rule.alert === 'ApiErrorsNoData')?.labels?.severity).toBe('pagerduty');
  });
});

describe('Sloth: PromQL that Prometheus evaluates', () => {
  const query = 'sum(sum_over_time(http_errors_count{job="api"}[{{.window}}]))';

  it('generates rules for it without a source', async () => {
    const rules = await generatedRules(file('over-time.yaml', sloth('      name: ApiErrors', query)));
    expect(rules.some((rule) => rule.record?.startsWith('slo:sli_error:ratio_rate') === true)).toBe(true);
  });

  it('is valid for validate, with a note naming the SLO the embedded engine needs a source for', async () => {
    const result = await run('validate', file('over-time-validate.yaml', sloth('      name: ApiErrors', query)));
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/over-time-validate\.yaml:\d+:\d+: note: SLO 'api-requests-availability'.*sloe serve refuses this SLO without a source/);
  });

  it('is still a problem where the embedded engine must evaluate it (serve)', () => {
    const result = loadSpecs([{ path: 'x.yaml', content: new TextEncoder().encode(sloth('      name: ApiErrors', query)) }]);
    expect(result.problems.map((problem) => problem.message).join('\n')).toContain('the embedded engine cannot evaluate this query');
  });
});

describe('Sloth: --default-slo-period', () => {
  it('sets the period of Sloth SLOs in generate and validate', async () => {
    const path = file('period.yaml', sloth('      name: ApiErrors'));
    const rules = await generatedRules(path, '--default-slo-period', '28d');
    expect(rules.some((rule) => rule.record === 'slo:sli_error:ratio_rate28d')).toBe(true);
    expect(rules.some((rule) => rule.record === 'slo:sli_error:ratio_rate30d')).toBe(false);
    expect((await run('validate', '--default-slo-period', '7d', path)).code).toBe(0);
  });

  it('is a usage error when it is not a duration', async () => {
    const result = await run('validate', '--default-slo-period', 'monthly', file('period-bad.yaml', sloth('      name: ApiErrors')));
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('expected a duration such as 30d');
  });

  it('is a flag of sloe serve, and the daemon reads Sloth files with the configured period', async () => {
    expect((await run('serve', '--help')).stdout).toContain('--default-slo-period <duration>');
    const path = file('period-serve.yaml', sloth('      name: ApiErrors'));
    const { specs, problems } = readSpecSet({ slos: [path], sources: [], sloth: { defaultSloPeriod: '28d', defaultSloPeriodMs: 28 * 86_400_000 } });
    expect(problems).toEqual([]);
    expect(specs.slos[0]?.window).toEqual({ kind: 'rolling', duration: 28 * 86_400_000 });
  });

  it('comes from the configuration key sloth.defaultSloPeriod', async () => {
    const config = file('config.yaml', 'sloth:\n  defaultSloPeriod: 7d\n');
    const path = file('period-config.yaml', sloth('      name: ApiErrors'));
    expect((await run('validate', '--config', config, path)).code).toBe(0);
    const loaded = loadSpecs([{ path: 'x.yaml', content: new TextEncoder().encode(sloth('      name: ApiErrors')) }], { defaultSloPeriod: 7 * 86_400_000 });
    expect(loaded.specs.slos[0]?.window).toEqual({ kind: 'rolling', duration: 7 * 86_400_000 });
  });
});
