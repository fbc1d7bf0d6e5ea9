import { mkdtempSync, mkdirSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from './main.js';
import { runCli } from '../../test/helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'sloe-validate-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const VALID = `apiVersion: sloe/v1
kind: SLO
metadata:
  name: api-availability
spec:
  service: api
  objectives:
    - target: 0.999
  sli:
    ratio:
      bad: sum(rate(http_requests_total{job="api",code=~"5.."}[{{.window}}]))
      total: sum(rate(http_requests_total{job="api"}[{{.window}}]))
`;

function file(name: string, text: string): string {
  const path = join(dir, name);
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, text);
  return path;
}

/** Runs `sloe ...` through the real program. */
function run(...args: string[]): ReturnType<typeof runCli> {
  return runCli(args);
}

describe('sloe validate', () => {
  it('exits 0 for a valid folder and says what it loaded', async () => {
    file('ok/api.yaml', VALID);
    const result = await run('validate', join(dir, 'ok'));
    expect(result).toEqual({ code: 0, stdout: '', stderr: 'ok: 1 SLO, 1 service, 0 budget policies in 1 file\n' });
  });

  it('validates the example set in slo-definitions/', async () => {
    const result = await run('validate', 'slo-definitions');
    expect(result.stdout).toBe('');
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/^ok: 10 SLOs, 5 services, 1 budget policy in 5 files\n$/);
  });

  it('exits 1 and prints every problem in every file as FILE:LINE:COLUMN: message', async () => {
    const a = file('bad/a.yaml', VALID.replace('  objectives:', '  objectivs:'));
    const b = file('bad/b.yaml', VALID.replace('target: 0.999', 'target: 1.5').replace('api-availability', 'api-other'));
    const result = await run('validate', join(dir, 'bad'));
    expect(result.code).toBe(1);
    expect(result.stdout.split('\n')).toEqual([
      `${a}:5:1: missing required field 'spec.objectives'`,
      `${a}:7:3: unknown field 'objectivs' (did you mean 'objectives'?)`,
      `${b}:8:15: 'spec.objectives[0].target' must be between 0 and 1 (exclusive), got 1.5`,
      '',
    ]);
    expect(result.stderr).toBe('3 problems in 2 files (2 files read)\n');
  });

  it('counts the files that hold problems apart from the files read', async () => {
    file('counted/a.yaml', VALID);
    file('counted/b.yaml', VALID.replace('api-availability', 'api-b'));
    const bad = file('counted/c.yaml', VALID.replace('api-availability', 'api-c').replace('  objectives:', '  objectivs:'));
    const result = await run('validate', join(dir, 'counted'));
    expect(result.code).toBe(1);
    expect(result.stdout.split('\n').filter((line) => line !== '').every((line) => line.startsWith(`${bad}:`))).toBe(true);
    expect(result.stderr).toBe('2 problems in 1 file (3 files read)\n');
  });

  it('exits 1 for a folder with no spec files in it, naming the folder', async () => {
    const empty = join(dir, 'empty');
    mkdirSync(empty, { recursive: true });
    file('empty/notes.txt', 'not a spec');
    const result = await run('validate', empty);
    expect(result).toEqual({ code: 1, stdout: `${empty}:1:1: no spec files here (sloe reads .yaml and .yml files, in folders recursively)\n`, stderr: '1 problem in 1 file (0 files read)\n' });
    // A folder with specs beside an empty one: the empty one is still named.
    file('mixed/ok/api.yaml', VALID);
    mkdirSync(join(dir, 'mixed', 'none'), { recursive: true });
    expect(await run('validate', join(dir, 'mixed', 'ok'), join(dir, 'mixed', 'none'))).toMatchObject({ code: 1, stdout: `${join(dir, 'mixed', 'none')}:1:1: no spec files here (sloe reads .yaml and .yml files, in folders recursively)\n` });
  });

  it('with a configuration, an SLI naming a source it does not configure is a problem at the query', async () => {
    const path = file('named/a.yaml', VALID.replace('  sli:\n', '  sli:\n    source: thanos\n'));
    const config = file('named/sloe.yaml', 'sources:\n  - { name: mimir, url: http://127.0.0.1:9009/prometheus }\n');
    const refused = await run('validate', '--config', config, path);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toBe(`${path}:12:12: SLO 'api-availability': its SLI names the data source 'thanos', which is not a configured remote query source (configured: mimir); add it under \`sources:\` in the configuration, or drop \`source\` to evaluate the query from ingested samples\n`);
    expect(await run('validate', '--source', 'thanos', path)).toMatchObject({ code: 0, stdout: '' });
    // Without a configuration there is nothing to check the name against.
    expect(await run('validate', path)).toMatchObject({ code: 0, stdout: '' });
  });

  it('exits 1 for a path that does not exist, as a problem line', async () => {
    const missing = join(dir, 'nowhere.yaml');
    const result = await run('validate', missing);
    expect(result).toEqual({ code: 1, stdout: `${missing}:1:1: cannot read: ENOENT\n`, stderr: '1 problem in 1 file (0 files read)\n' });
  });

  it('refuses a 50 MB file with one line, before reading it', async () => {
    const big = file('big/huge.yaml', '');
    truncateSync(big, 50 * 1024 * 1024);
    const result = await run('validate', big);
    expect(result).toEqual({ code: 1, stdout: `${big}:1:1: file is 52428800 bytes; spec files are limited to 10485760 bytes\n`, stderr: '1 problem in 1 file (0 files read)\n' });
  });

  it('accepts queries outside the embedded subset, noting the SLOs that need a remote source for sloe serve', async () => {
    const path = file('remote/a.yaml', VALID.replace('sum(rate(http_requests_total{job="api"}[{{.window}}]))', 'sum(sum_over_time(up{job="api"}[{{.window}}]))'));
    const bare = await run('validate', path);
    expect(bare).toMatchObject({ code: 0, stdout: '' });
    expect(bare.stderr).toContain(`${path}:12:18: note: SLO 'api-availability'`);
    const sourced = await run('validate', '--source', 'mimir', path);
    expect(sourced).toMatchObject({ code: 0, stdout: '' });
    expect(sourced.stderr).not.toContain('note:');
    const config = file('remote/sloe.yaml', 'sources:\n  - { name: mimir, url: http://127.0.0.1:9009/prometheus }\n');
    expect(await run('validate', '--config', config, path)).toMatchObject({ code: 0, stdout: '' });
    // A configuration without a source is the daemon's own view: sloe serve --config would refuse this SLO, so CI
    // checking against that configuration must fail too, with the problem on stdout, not pass with a note.
    const sourceless = file('remote/no-sources.yaml', 'listen: 127.0.0.1:9797\n');
    const refused = await run('validate', '--config', sourceless, path);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toContain(`${path}:12:18: SLO 'api-availability': `);
    expect(refused.stdout).toContain('no remote query source is configured');
    expect(refused.stderr).not.toContain('note:');
  });

  it('exits 2 for usage errors', async () => {
    expect((await run('validate')).code).toBe(2);
    expect((await run('validate', '--no-such-flag', 'x.yaml')).code).toBe(2);
    expect(await main(['node', 'sloe', 'validate'])).toBe(2);
  });

  it('exits 0 for --help', async () => {
    expect(await main(['node', 'sloe', 'validate', '--help'])).toBe(0);
  });
});
