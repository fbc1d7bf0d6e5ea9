import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildProgram } from '../../src/cli/main.js';
import type { CommandContext } from '../../src/cli/context.js';

const root = join(import.meta.dirname, '..', '..');
const dir = mkdtempSync(join(tmpdir(), 'sloe-cli-generate-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function run(args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const context: CommandContext = { exitCode: 0, stdout: (text) => (stdout += text), stderr: (text) => (stderr += text), env: {}, isTTY: false };
  let code: number;
  try {
    await (await buildProgram(context)).parseAsync(['node', 'sloe', ...args]);
    code = context.exitCode;
  } catch (error) {
    stderr += error instanceof Error ? error.message : String(error);
    code = context.exitCode === 0 ? 2 : context.exitCode;
  }
  return { code, stdout, stderr };
}

describe('sloe generate', () => {
  const rules = join(dir, 'alerts');
  const dashboards = join(dir, 'dashboards');

  it('writes one rule file per service and the dashboards, then --check finds them current', async () => {
    const result = await run(['generate', '--slos', join(root, 'slo-definitions'), '--rules-out', rules, '--dashboards-out', dashboards]);
    expect(result.code, result.stderr).toBe(0);
    expect(readdirSync(rules).sort()).toEqual(readdirSync(join(root, 'alerts')).sort());
    expect(readdirSync(dashboards)).toContain('overview.json');
    expect((await run(['generate', '--slos', join(root, 'slo-definitions'), '--rules-out', rules, '--dashboards-out', dashboards, '--check'])).code).toBe(0);
  });

  it('--check fails and names the stale file after a change', async () => {
    const file = join(rules, readdirSync(rules)[0]!);
    writeFileSync(file, `${readFileSync(file, 'utf8')}# edited by hand\n`);
    const result = await run(['generate', '--slos', join(root, 'slo-definitions'), '--rules-out', rules, '--dashboards-out', dashboards, '--check']);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(file);
  });

  it('exits 1 on invalid specs, printing every problem, and writes nothing', async () => {
    const out = join(dir, 'bad-out');
    writeFileSync(join(dir, 'bad.yaml'), 'apiVersion: sloe/v1\nkind: SLO\nmetadata:\n  name: broken\nspec:\n  service: x\n  objectives: []\n  typo: 1\n');
    const result = await run(['generate', '--slos', join(dir, 'bad.yaml'), '--rules-out', out, '--dashboards-out', out]);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/bad\.yaml:\d+:\d+: /);
    expect(result.stderr).toContain('nothing generated');
    expect(existsSync(out)).toBe(false);
  });

  it('the Sloth profile and split mode are options', async () => {
    const out = join(dir, 'sloth');
    const result = await run(['generate', '--slos', join(root, 'slo-definitions'), '--rules-out', out, '--dashboards-out', join(dir, 'sloth-dash'), '--label-profile', 'sloth', '--split']);
    expect(result.code, result.stderr).toBe(0);
    const text = readFileSync(join(out, 'deployment.rules.yaml'), 'utf8');
    expect(text).toContain('sloth_id: deployment-success-rate');
    expect(text).toContain('name: sloth-slo-long-window-recordings-deployment-success-rate');
  });
});

describe('sloe provision', () => {
  it('--dry-run prints what would change, with a diff, and changes nothing', async () => {
    const rulesDir = join(dir, 'provisioned');
    const config = join(dir, 'sloe.yaml');
    writeFileSync(config, `slos: [${join(root, 'slo-definitions')}]\nprovisioning:\n  prometheus: { rulesDir: ${rulesDir} }\n`);
    const dry = await run(['provision', '--config', config, '--dry-run']);
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toContain('prometheus: would create checkout.rules.yaml');
    expect(dry.stdout).toContain('+++ b/checkout.rules.yaml');
    expect(dry.stdout).toContain('+      - record: slo:objective:ratio');
    expect(existsSync(rulesDir)).toBe(false);
    const real = await run(['provision', '--config', config]);
    expect(real.code, real.stderr).toBe(0);
    expect(readdirSync(rulesDir).sort()).toEqual(readdirSync(join(root, 'alerts')).sort());
    expect((await run(['provision', '--config', config])).stdout).toBe('prometheus: up to date\n');
  });

  it('exits 2 when no provisioning target is configured', async () => {
    const config = join(dir, 'empty.yaml');
    writeFileSync(config, `slos: [${join(root, 'slo-definitions')}]\n`);
    const result = await run(['provision', '--config', config]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('nothing to provision');
  });
});
