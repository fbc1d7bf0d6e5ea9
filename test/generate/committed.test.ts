import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readSpecFiles } from '../../src/app/index.js';
import { generateArtifacts } from '../../src/generate/index.js';
import { loadSpecs } from '../../src/spec/index.js';
import { promtool } from './promtool.js';

/**
 * `alerts/` and `dashboards/` in the repository are what `sloe generate` makes from `slo-definitions/`: regenerate in
 * memory and compare byte for byte, so a spec or generator change without `npx sloe generate` fails here.
 */
const root = join(import.meta.dirname, '..', '..');

function generated() {
  const files = readSpecFiles([join(root, 'slo-definitions')]);
  const loaded = loadSpecs(files.inputs);
  expect([...files.problems, ...loaded.problems]).toEqual([]);
  const artifacts = generateArtifacts(loaded.specs.slos);
  expect(artifacts.problems).toEqual([]);
  return artifacts;
}

function folder(name: string): Map<string, string> {
  const dir = join(root, name);
  return new Map(readdirSync(dir).filter((file) => !file.startsWith('.')).map((file) => [file, readFileSync(join(dir, file), 'utf8')]));
}

describe('committed generated files', () => {
  const artifacts = generated();
  const hint = 'out of date: run `npx sloe generate` and commit alerts/ and dashboards/';

  it('alerts/ holds exactly the rule files generated from slo-definitions/', () => {
    const committed = folder('alerts');
    expect([...committed.keys()].sort(), hint).toEqual(artifacts.rules.map((file) => file.fileName).sort());
    for (const file of artifacts.rules) expect(committed.get(file.fileName), `alerts/${file.fileName} ${hint}`).toBe(file.content);
  });

  it('dashboards/ holds exactly the dashboards generated from slo-definitions/', () => {
    const committed = folder('dashboards');
    expect([...committed.keys()].sort(), hint).toEqual(artifacts.dashboards.map((file) => file.fileName).sort());
    for (const file of artifacts.dashboards) expect(committed.get(file.fileName), `dashboards/${file.fileName} ${hint}`).toBe(file.content);
  });

  it('promtool check rules accepts every committed rule file', () => {
    const dir = join(root, 'alerts');
    const result = promtool(['check', 'rules', ...readdirSync(dir).map((file) => join(dir, file))]);
    expect(result.status, result.output).toBe(0);
  });
});
