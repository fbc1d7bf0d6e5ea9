import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSpecs } from '../../src/spec/index.js';

const DIR = 'test/spec/golden';
const UPDATE = process.env.UPDATE_GOLDEN === '1';

/**
 * Real-world-shaped specs of every format load into the expected model. The golden files are rewritten only with
 * UPDATE_GOLDEN=1, so a change in the model shows up as a diff in review.
 */
describe('golden: spec files load into the model', () => {
  const inputs = readdirSync(DIR).filter((name) => name.endsWith('.in.yaml')).sort();

  it('has inputs for every format', () => {
    const formats = inputs.map((name) => name.split('-')[0]);
    expect(new Set(formats)).toEqual(new Set(['openslo', 'pyrra', 'slogenerator', 'sloe', 'sloth']));
  });

  for (const name of inputs) {
    it(name, () => {
      const path = join(DIR, name);
      // A remote source is configured so queries outside the embedded subset (histogram_quantile, max) are accepted.
      const result = loadSpecs([{ path, content: readFileSync(path) }], { remoteSources: ['thanos'] });
      expect(result.problems).toEqual([]);
      const actual = `${JSON.stringify(result.specs, null, 2)}\n`;
      const goldenPath = join(DIR, name.replace(/\.in\.yaml$/, '.golden.json'));
      if (UPDATE) writeFileSync(goldenPath, actual);
      expect(actual).toBe(readFileSync(goldenPath, 'utf8'));
    });
  }
});
