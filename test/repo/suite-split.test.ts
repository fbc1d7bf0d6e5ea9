import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');

describe('npm test and the opt-in conformance suite are apart', () => {
  it("npm test's include leaves the conformance suite out, and test:peers runs only it", async () => {
    const main = (await import('../../vitest.config.js')).default;
    const conformance = (await import('../../vitest.conformance.config.js')).default;
    expect(main.test?.include?.some((glob) => glob.startsWith('conformance'))).toBe(false);
    expect(conformance.test?.include).toEqual(['conformance/**/*.test.ts']);
    const scripts = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
    expect(scripts['test:peers']).toContain('vitest.conformance.config.ts');
    expect(readFileSync(join(ROOT, '.ci', 'run'), 'utf8')).toContain('npm run test:peers');
    // That nothing outside the suite names its folder, and how the suite finds it, are tested in the suite itself
    // (conformance/self-contained.test.ts, conformance/peers-folder.test.ts).
  });
});
