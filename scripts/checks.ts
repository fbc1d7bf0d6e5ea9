// The static checks `npm test` runs before vitest: the named npm scripts, started together rather than one after the
// other. Each is a single-threaded process (tsc, eslint's typed lint, dependency-cruiser), so on CI's two cores the
// slowest one (lint) bounds the wall time instead of the sum of all three. Each script's output is printed whole when
// it ends, so the reports never interleave; the exit code is 1 when any of them failed, naming which. With `--nice`
// they run at the lowest CPU priority (scripts/test.ts runs them so, beside vitest).
import { spawn } from 'node:child_process';
import { constants, setPriority } from 'node:os';

interface Outcome {
  readonly script: string;
  readonly code: number | string;
  readonly output: string;
  readonly seconds: number;
}

function runScript(script: string): Promise<Outcome> {
  const started = Date.now();
  const child = spawn('npm', ['run', '-s', script], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const keep = (chunk: Buffer): void => {
    output += chunk.toString();
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  return new Promise((resolve) => {
    child.once('error', (error) => resolve({ script, code: error.message, output, seconds: (Date.now() - started) / 1000 }));
    child.once('close', (code, signal) => resolve({ script, code: code ?? signal ?? 'unknown', output, seconds: (Date.now() - started) / 1000 }));
  });
}

const nice = process.argv.includes('--nice');
const scripts = process.argv.slice(2).filter((argument) => argument !== '--nice');
if (scripts.length === 0) {
  console.error('usage: tsx scripts/checks.ts [--nice] SCRIPT... (npm script names to run together)');
  process.exit(2);
}
// Set before anything is spawned, so every check inherits it.
if (nice) setPriority(constants.priority.PRIORITY_LOW);
const outcomes = await Promise.all(
  scripts.map(async (script) => {
    const outcome = await runScript(script);
    const verdict = outcome.code === 0 ? 'passed' : `FAILED (${outcome.code})`;
    process.stdout.write(`${outcome.output}${outcome.output.endsWith('\n') || outcome.output === '' ? '' : '\n'}npm run ${script}: ${verdict} in ${outcome.seconds.toFixed(1)} s\n`);
    return outcome;
  }),
);
const failed = outcomes.filter((outcome) => outcome.code !== 0).map((outcome) => outcome.script);
if (failed.length > 0) {
  console.error(`checks failed: ${failed.join(', ')}`);
  process.exitCode = 1;
}
