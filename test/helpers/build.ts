import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '..', '..');
const BUILT = join(ROOT, 'dist', 'cli', 'main.js');
/** Held (as a directory: mkdir is atomic) by the one worker that compiles, so two test files never write dist/ at once. */
const LOCK = join(ROOT, 'dist', '.test-build-lock');
/** A lock older than a compilation can take was left by a killed worker. */
const LOCK_STALE_MS = 180_000;

/** The newest modification of a source dist/ is built from (tests beside the sources are not compiled into it). */
function newest(dir: string): number {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) latest = Math.max(latest, newest(path));
    else if (!entry.name.endsWith('.test.ts')) latest = Math.max(latest, statSync(path).mtimeMs);
  }
  return latest;
}

function isCurrent(): boolean {
  const builtAt = statSync(BUILT, { throwIfNoEntry: false })?.mtimeMs ?? 0;
  return builtAt > newest(join(ROOT, 'src'));
}

function tryLock(): boolean {
  mkdirSync(join(ROOT, 'dist'), { recursive: true });
  try {
    mkdirSync(LOCK);
    return true;
  } catch {
    const heldSince = statSync(LOCK, { throwIfNoEntry: false })?.mtimeMs;
    if (heldSince !== undefined && Date.now() - heldSince > LOCK_STALE_MS) rmSync(LOCK, { recursive: true, force: true });
    return false;
  }
}

/**
 * bin/sloe.js runs dist/; compile it when any source is newer (after `npm ci` it is current, so on CI this costs one
 * directory walk). Tests that spawn `sloe` run the build rather than the sources through tsx: tsx's loader hooks cost
 * each start about 1.6 s of CPU more (4.2 s against 2.4 s for `sloe --help`), and the crash test alone starts 27.
 */
export function ensureBuilt(): void {
  while (!isCurrent()) {
    if (!tryLock()) {
      // Another worker is compiling: wait for it (this is synchronous, as its callers are), then look again.
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 200);
      continue;
    }
    try {
      if (isCurrent()) return;
      const result = spawnSync(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(ROOT, 'tsconfig.build.json')], { cwd: ROOT, encoding: 'utf8', timeout: 170_000 });
      if (!isCurrent()) throw new Error(`tsc did not build ${BUILT}: ${result.stdout}${result.stderr}`);
    } finally {
      rmSync(LOCK, { recursive: true, force: true });
    }
  }
}

/** The script `node` runs for `sloe`, as a user's shell does (bin/sloe.js), compiled from the current sources first. */
export function sloeEntry(): string {
  ensureBuilt();
  return join(ROOT, 'bin', 'sloe.js');
}
