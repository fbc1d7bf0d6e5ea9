import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '..', '..');

function newest(dir: string): number {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    latest = Math.max(latest, entry.isDirectory() ? newest(path) : statSync(path).mtimeMs);
  }
  return latest;
}

/** bin/sloe.js runs dist/; compile it when any source is newer (after `npm ci` it is current). */
export function ensureBuilt(): void {
  const built = join(ROOT, 'dist', 'cli', 'main.js');
  const builtAt = statSync(built, { throwIfNoEntry: false })?.mtimeMs ?? 0;
  if (builtAt > newest(join(ROOT, 'src'))) return;
  const result = spawnSync(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(ROOT, 'tsconfig.build.json')], { cwd: ROOT, encoding: 'utf8', timeout: 170_000 });
  if (statSync(built, { throwIfNoEntry: false }) === undefined) throw new Error(`tsc did not build ${built}: ${result.stdout}${result.stderr}`);
}
