import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { generateRules, renderRuleFile } from '../../src/generate/index.js';
import type { RuleOptions } from '../../src/generate/index.js';
import { ALL_FIXTURES } from './fixtures.js';
import { promtool } from './promtool.js';

const dir = mkdtempSync(join(tmpdir(), 'sloe-promtool-check-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const MODES: Record<string, Partial<RuleOptions>> = {
  default: {},
  sloth: { labelProfile: 'sloth' },
  split: { split: true },
};

describe('promtool check rules accepts every generated rule file', () => {
  for (const [mode, options] of Object.entries(MODES)) {
    it(`${mode} mode`, () => {
      const { files, problems } = generateRules(ALL_FIXTURES, options);
      expect(problems).toEqual([]);
      const paths = files.map((file) => {
        const path = join(dir, `${mode}-${file.fileName}`);
        writeFileSync(path, renderRuleFile(file));
        return path;
      });
      expect(paths.length).toBeGreaterThan(1);
      const result = promtool(['check', 'rules', ...paths]);
      expect(result.output).toContain('SUCCESS');
      expect(result.status, result.output).toBe(0);
    });
  }

  it('promtool rejects a broken file, so the check can fail', () => {
    const path = join(dir, 'broken.yaml');
    writeFileSync(path, 'groups:\n  - name: x\n    rules:\n      - record: slo:x\n        expr: sum(rate(x[5m])\n');
    expect(promtool(['check', 'rules', path]).status).not.toBe(0);
  });
});
