// `npm test`: vitest, with the static checks (`npm run checks`: typecheck, lint, depcheck) running beside it at the
// lowest CPU priority instead of before it. Much of the suite waits on real processes (Prometheus scraping, daemons
// restarting, Chromium rendering), so CI's two cores have idle time the checks can use; at the lowest priority they
// take only that, and the tests' timing is the same as without them. Whatever the checks have not finished when
// vitest ends they finish then, at full speed. Their report is printed after vitest's, and the exit code is 1 when
// either failed. Arguments are passed to vitest (`npm test -- test/ui`).
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';

function exitOf(child: ChildProcess): Promise<number> {
  return new Promise((resolve) => {
    child.once('error', () => resolve(1));
    child.once('close', (code) => resolve(code ?? 1));
  });
}

const checks = spawn('npm', ['run', '-s', 'checks', '--', '--nice'], { stdio: ['ignore', 'pipe', 'pipe'] });
let report = '';
checks.stdout.on('data', (chunk: Buffer) => (report += chunk.toString()));
checks.stderr.on('data', (chunk: Buffer) => (report += chunk.toString()));
const checksExit = exitOf(checks);

const vitest = spawn('npx', ['vitest', 'run', ...process.argv.slice(2)], { stdio: 'inherit' });
const testsExit = await exitOf(vitest);
process.stdout.write('\nStatic checks (typecheck, lint, depcheck):\n');
const checksCode = await checksExit;
process.stdout.write(report);
process.exitCode = testsExit !== 0 || checksCode !== 0 ? 1 : 0;
