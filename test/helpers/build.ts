import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '..', '..');
/** A lock older than a build can take was left by a killed worker. */
const LOCK_STALE_MS = 180_000;

/** The newest modification under `path` (a file or a folder), leaving out tests, which no build compiles. */
function newest(path: string): number {
  const stats = statSync(path, { throwIfNoEntry: false });
  if (stats === undefined) return 0;
  if (!stats.isDirectory()) return path.endsWith('.test.ts') ? 0 : stats.mtimeMs;
  return readdirSync(path).reduce((latest, name) => Math.max(latest, newest(join(path, name))), 0);
}

interface Build {
  /** What the build writes last; it is current when this is newer than every input. */
  readonly output: string;
  readonly inputs: readonly string[];
  /** Arguments to `node`. */
  readonly command: readonly string[];
  /** A folder beside the output; held (mkdir is atomic) by the one worker that builds, so two never build at once. */
  readonly lock: string;
}

function isCurrent(build: Build): boolean {
  const builtAt = statSync(build.output, { throwIfNoEntry: false })?.mtimeMs ?? 0;
  return build.inputs.every((input) => builtAt > newest(input));
}

function tryLock(lock: string): boolean {
  mkdirSync(join(lock, '..'), { recursive: true });
  try {
    mkdirSync(lock);
    return true;
  } catch {
    const heldSince = statSync(lock, { throwIfNoEntry: false })?.mtimeMs;
    if (heldSince !== undefined && Date.now() - heldSince > LOCK_STALE_MS) rmSync(lock, { recursive: true, force: true });
    return false;
  }
}

/** Runs the build when an input is newer than its output; when another worker is building, waits for it instead. */
function buildWhenStale(build: Build): void {
  while (!isCurrent(build)) {
    if (!tryLock(build.lock)) {
      // Synchronous, as the callers are: a file's beforeAll, before anything else of it runs.
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 200);
      continue;
    }
    try {
      if (isCurrent(build)) return;
      const result = spawnSync(process.execPath, build.command, { cwd: ROOT, encoding: 'utf8', timeout: 170_000 });
      if (!isCurrent(build)) throw new Error(`${build.command.join(' ')} did not build ${build.output}: ${result.stdout}${result.stderr}`);
    } finally {
      rmSync(build.lock, { recursive: true, force: true });
    }
  }
}

/**
 * bin/sloe.js runs dist/; compile it when any source is newer (after `npm ci` it is current, so on CI this costs one
 * directory walk). Tests that spawn `sloe` run the build rather than the sources through tsx: tsx's loader hooks cost
 * each start about 1.6 s of CPU more (4.2 s against 2.4 s for `sloe --help`), and the crash tests alone start 27.
 */
export function ensureBuilt(): void {
  buildWhenStale({
    output: join(ROOT, 'dist', 'cli', 'main.js'),
    inputs: [join(ROOT, 'src')],
    command: [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(ROOT, 'tsconfig.build.json')],
    lock: join(ROOT, 'dist', '.test-build-lock'),
  });
}

/**
 * The UI the daemon serves is ui/dist, bundled by scripts/build-ui.ts; bundle it when its sources are newer. Once for
 * all the UI test files, not once each: the bundler empties ui/dist first, so one file's build could pull the pages
 * from under another file's browser.
 */
export function ensureUiBuilt(): void {
  buildWhenStale({
    output: join(ROOT, 'ui', 'dist', 'index.html'),
    inputs: [join(ROOT, 'ui', 'src'), join(ROOT, 'ui', 'index.html'), join(ROOT, 'scripts', 'build-ui.ts')],
    command: ['--import', 'tsx', join(ROOT, 'scripts', 'build-ui.ts')],
    lock: join(ROOT, 'ui', '.test-build-lock'),
  });
}

/** The script `node` runs for `sloe`, as a user's shell does (bin/sloe.js), compiled from the current sources first. */
export function sloeEntry(): string {
  ensureBuilt();
  return join(ROOT, 'bin', 'sloe.js');
}
