import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateArtifacts } from '../../src/generate/index.js';
import type { RuleOptions } from '../../src/generate/index.js';
import { loadSpecs } from '../../src/spec/index.js';
import { expectGolden } from './golden.js';
import { promtool } from './promtool.js';

/**
 * Specs in, exact files out: every `golden/<case>.in.yaml` is loaded and generated; each rule file and dashboard must
 * equal `golden/<case>/<file>.golden.*`. A `.sloth.` case uses the Sloth label profile, a `.split.` case split mode.
 * `UPDATE_GOLDEN=1 npx vitest run test/generate/golden.test.ts` rewrites the golden files; review their diff.
 */
const dir = join(import.meta.dirname, 'golden');
const cases = readdirSync(dir).filter((name) => name.endsWith('.in.yaml'));

function optionsOf(name: string): Partial<RuleOptions> {
  return { ...(name.includes('.sloth.') ? { labelProfile: 'sloth' as const } : {}), ...(name.includes('.split.') ? { split: true } : {}) };
}

function goldenName(fileName: string): string {
  return fileName.replace(/\.(yaml|json)$/, '.golden.$1');
}

describe('golden: specs in, rule files and dashboards out', () => {
  it('has cases for every spec format', () => {
    expect(cases.length).toBeGreaterThanOrEqual(3);
  });

  for (const name of cases) {
    it(name, () => {
      const loaded = loadSpecs([{ path: name, content: readFileSync(join(dir, name)) }], { remoteSources: ['prometheus'] });
      expect(loaded.problems).toEqual([]);
      const artifacts = generateArtifacts(loaded.specs.slos, optionsOf(name));
      expect(artifacts.problems).toEqual([]);
      const caseDir = join(dir, name.replace(/\.in\.yaml$/, ''));
      const produced = [...artifacts.rules, ...artifacts.dashboards];
      for (const file of produced) expectGolden(join(caseDir, goldenName(file.fileName)), file.content);
      if (process.env.UPDATE_GOLDEN !== '1') {
        // No golden file left over from an output that is no longer produced.
        expect(readdirSync(caseDir).sort()).toEqual(produced.map((file) => goldenName(file.fileName)).sort());
      }
    });
  }

  it('promtool check rules accepts every golden rule file', () => {
    const files = cases.flatMap((name) => {
      const caseDir = join(dir, name.replace(/\.in\.yaml$/, ''));
      return readdirSync(caseDir).filter((file) => file.endsWith('.rules.golden.yaml')).map((file) => join(caseDir, file));
    });
    expect(files.length).toBeGreaterThanOrEqual(3);
    const result = promtool(['check', 'rules', ...files]);
    expect(result.status, result.output).toBe(0);
  });
});
