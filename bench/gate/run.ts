/**
 * bench/gate: the release gate's throughput and tail latency, against a bare hono route served the same way on the
 * same machine in the same run. 100 SLOs over 20 services are loaded; every gate request is a full decision
 * (5 SLOs under their policy) recorded in the SQLite journal. autocannon runs here, the servers in a child process.
 * Target (issue #7): the gate at least 60 % of the bare route's requests/s, with p99 under 5 ms.
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import autocannon from 'autocannon';
import { median, reportFigures } from '../lib.js';

// Many short runs, alternating which goes first (ABBA), so the shared machine's swings hit both alike.
const RUNS = Number(process.env.BENCH_RUNS ?? 8);
const DURATION_S = Number(process.env.BENCH_DURATION ?? 3);
const CONNECTIONS = 10;

const child = spawn(process.execPath, ['--import', 'tsx', new URL('./server.ts', import.meta.url).pathname], { stdio: ['pipe', 'pipe', 'inherit'] });
const lines = createInterface({ input: child.stdout });
const ports = await new Promise<[number, number]>((resolve, reject) => {
  child.once('exit', (code) => reject(new Error(`bench server exited with ${code}`)));
  lines.on('line', (line) => {
    const match = /^PORTS (\d+) (\d+)$/.exec(line);
    if (match) resolve([Number(match[1]), Number(match[2])]);
  });
});
const [gatePort, barePort] = ports;

async function measure(url: string): Promise<{ rps: number; p99: number; errors: number }> {
  const result = await autocannon({ url, connections: CONNECTIONS, duration: DURATION_S });
  return { rps: result.requests.average, p99: result.latency.p99, errors: result.errors + result.timeouts + result.non2xx };
}

const gateUrl = `http://127.0.0.1:${gatePort}/api/v1/gates/svc-2?env=production`;
const bareUrl = `http://127.0.0.1:${barePort}/api/v1/gates/svc-2`;
// Warm both up (JIT, SQLite page cache) before measuring.
await autocannon({ url: gateUrl, connections: CONNECTIONS, duration: 1 });
await autocannon({ url: bareUrl, connections: CONNECTIONS, duration: 1 });

const gate: { rps: number; p99: number; errors: number }[] = [];
const bare: { rps: number; p99: number; errors: number }[] = [];
for (let run = 0; run < RUNS; run++) {
  if (run % 2 === 0) {
    bare.push(await measure(bareUrl));
    gate.push(await measure(gateUrl));
  } else {
    gate.push(await measure(gateUrl));
    bare.push(await measure(bareUrl));
  }
  console.log(`run ${run + 1}: gate ${Math.round(gate.at(-1)!.rps)} req/s p99 ${gate.at(-1)!.p99} ms; bare ${Math.round(bare.at(-1)!.rps)} req/s p99 ${bare.at(-1)!.p99} ms`);
}

child.stdin.end();
const decisions = await new Promise<string>((resolve) => {
  lines.on('line', (line) => line.startsWith('DECISIONS ') && resolve(line.slice('DECISIONS '.length)));
  child.once('exit', () => resolve('?'));
});
const errors = [...gate, ...bare].reduce((sum, run) => sum + run.errors, 0);
if (errors > 0) console.log(`WARNING: ${errors} errors, timeouts or non-2xx answers`);
console.log(`decisions counted in the audit trail: ${decisions}`);

const gateRps = gate.map((run) => run.rps);
const bareRps = bare.map((run) => run.rps);
// Each run's gate against the bare route measured right beside it: robust to the machine's load changing over time.
const pairedRatios = gate.map((run, index) => run.rps / bare[index]!.rps);
const ratio = median(pairedRatios);
const p99 = median(gate.map((run) => run.p99));
reportFigures('gate', [
  { name: `requests/s, GET /api/v1/gates/{service} (100 SLOs, ${CONNECTIONS} connections)`, unit: 'req/s', runs: gateRps, baselineRuns: bareRps, baselineName: 'bare hono route', target: '>= 60 % of bare (judged on the paired ratio below)', met: ratio >= 0.6 },
  { name: 'gate/bare requests/s, paired per run', unit: 'ratio', runs: pairedRatios, target: '>= 0.6', met: ratio >= 0.6 },
  { name: 'p99 latency, gate', unit: 'ms', runs: gate.map((run) => run.p99), baselineRuns: bare.map((run) => run.p99), baselineName: 'bare hono route', target: '< 5 ms', met: p99 < 5 },
]);
