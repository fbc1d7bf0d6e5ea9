import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');
const DOCS = readdirSync(join(ROOT, 'docs')).filter((name) => name.endsWith('.md')).map((name) => `docs/${name}`);

/** A file another change adds: the format mapping, written with the Pyrra and slo-generator loaders. */
const WRITTEN_ELSEWHERE = new Set(['docs/formats.md']);

/** Relative link targets of a Markdown file, outside code, resolved from the repository root. */
function links(path: string): string[] {
  const text = readFileSync(join(ROOT, path), 'utf8').replace(/```[\s\S]*?```/g, '');
  return [...text.matchAll(/\]\(([^)\s#]+)(#[^)]*)?\)/g)].map((match) => match[1]!).filter((target) => !/^[a-z]+:/.test(target)).map((target) => join(dirname(path), target));
}

describe('the README a new user reads first', () => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');

  it('is short, and starts with the two quick-start commands of the contract', () => {
    expect(Buffer.byteLength(readme)).toBeLessThanOrEqual(10 * 1024);
    expect(readme).toContain('npm ci && npm start    # the daemon with slo-definitions/');
    expect(readme).toContain('npm ci && npm test     # the whole test suite');
    expect(readme).toContain('](docs/screenshot.png)');
  });

  it('links one document per area, and every document in docs/ is linked', () => {
    const linked = new Set(links('README.md'));
    for (const area of ['specs', 'figures', 'ingest', 'sources', 'notifications', 'gates', 'generate', 'operations', 'security', 'benchmarks']) expect(linked).toContain(`docs/${area}.md`);
    for (const doc of DOCS) expect(linked, `${doc} is not linked from the README`).toContain(doc);
  });

  it('points at nothing that is not in the repository', () => {
    expect(readme).not.toMatch(/design doc/i);
    for (const path of ['README.md', ...DOCS]) {
      const missing = links(path).filter((target) => !WRITTEN_ELSEWHERE.has(target) && !existsSync(join(ROOT, target)));
      expect(missing, `broken links in ${path}`).toEqual([]);
    }
  });
});
