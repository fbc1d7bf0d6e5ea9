/**
 * The soak and fault suite (issue #21 item 4), bounded in time: `npm run soak -- [--minutes N]` (30 by default).
 *
 * 1. Capacity: 10 s of remote write as fast as 16 concurrent senders go (1,000-series bodies); samples/s acknowledged.
 * 2. Soak: N minutes at half that capacity, 8 senders each owning 1,000 counters, each body resent until acknowledged
 *    (as Prometheus does), the daemon's RSS sampled every minute, the gate asked every 200 ms, and 20 SIGKILLs spread
 *    over the first third of the run (each restart timed to /readyz), so the rest shows one process's memory. At the end the SLO's event count must equal what was acknowledged:
 *    nothing lost, nothing doubled.
 * 3. 1,000 slow clients trickling headers in the middle of the soak: how many the daemon closed, the gate meanwhile.
 * 4. 2,000 mutated bodies per ingest route (remote write, OTLP protobuf): statuses, no 5xx, still alive.
 * 5. Disk full on a small tmpfs holding the data folder (skipped, with a message, when it cannot be mounted).
 * 6. A corrupt database: serve refuses it naming the file, `sloe doctor --repair` moves it aside, serve starts.
 *
 * Prints each figure with the machine's load; `bench/RESULTS.md` holds a run's figures and the method.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { closeSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { connect } from 'node:net';
import type { Socket } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { sloSpec } from '../../test/app/daemon-fixture.js';
import { startSloe } from '../../test/helpers/sloe-process.js';
import type { SloeProcess } from '../../test/helpers/sloe-process.js';
import { freePort } from '../../test/helpers/ports.js';
import { REMOTE_WRITE_HEADERS, remoteWriteBody } from '../../test/helpers/remote-write-encoder.js';
import { sampleRequestJson, toProtobuf } from '../../test/ingest/otlp-fixtures.js';

const ROOT = join(import.meta.dirname, '..', '..');
const minutesFlag = process.argv.indexOf('--minutes');
const MINUTES = minutesFlag >= 0 ? Number(process.argv[minutesFlag + 1]) : 30;
if (!(MINUTES > 0)) throw new Error('--minutes expects a positive number');
const KILLS = 20;
const LANES = 8;
const SERIES_PER_LANE = 1000;
const MUTATIONS = 2_000;

const SPEC = sloSpec('shop-availability', 'shop');

const load = (): string => `load avg ${loadavg().map((value) => value.toFixed(1)).join(' ')}`;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const percentile = (values: number[], share: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(share * sorted.length) - 1))] ?? Number.NaN;
};
const figures: Record<string, unknown> = { minutes: MINUTES };
function say(line: string): void {
  process.stdout.write(`${line}\n`);
}

// The data folder: a small tmpfs when this user may mount one (for the disk-full phase), else a plain folder.
const root = mkdtempSync(join(tmpdir(), 'sloe-soak-'));
const specs = join(root, 'slos');
const data = join(root, 'data');
mkdirSync(specs);
mkdirSync(data);
writeFileSync(join(specs, 'shop.yaml'), SPEC);
let tmpfs = false;
try {
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=512m', 'tmpfs', data], { stdio: 'pipe' });
  tmpfs = true;
} catch (error) {
  say(`disk full: SKIPPED, cannot mount a tmpfs for the data folder (${(error as Error).message.split('\n')[0]}); run as root to include it`);
}
const port = await freePort();
const args = ['--slos', specs, '--data', data];
let sloe: SloeProcess = await startSloe(port, args, 60_000);
const url = sloe.url;

function rssMiB(): number {
  const pid = sloe.child.pid;
  if (pid === undefined) return Number.NaN;
  try {
    const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((text) => text.startsWith('VmRSS:'));
    return Number(line?.split(/\s+/)[1]) / 1024;
  } catch {
    return Number.NaN;
  }
}

// Counters: lane × series, each +1 per step (one in ten of each lane's series is a 500).
const laneStep = new Array<number>(LANES).fill(0);
const laneAcked = new Array<number>(LANES).fill(0);
const startMs = Date.now() - 60_000;
const laneTimestamp = new Array<number>(LANES).fill(0);
/** A step's body, stamped with the wall clock (strictly later than the lane's last step); a resend reuses the body. */
function laneBody(lane: number, step: number): Buffer {
  const timestamp = Math.max(Date.now(), laneTimestamp[lane]! + 1);
  laneTimestamp[lane] = timestamp;
  return remoteWriteBody(
    Array.from({ length: SERIES_PER_LANE }, (_, index) => ({
      labels: [['__name__', 'http_requests_total'], ['code', index % 10 === 0 ? '500' : '200'], ['instance', `l${lane}-${index}`], ['job', 'shop']] as const,
      value: step,
      timestamp,
    })),
  );
}
const statuses: Record<string, number> = {};
async function post(path: string, body: Uint8Array, headers: Record<string, string>): Promise<number> {
  try {
    const response = await fetch(`${url}${path}`, { method: 'POST', headers, body: new Uint8Array(body), signal: AbortSignal.timeout(10_000) });
    await response.arrayBuffer();
    return response.status;
  } catch {
    return 0;
  }
}
/** Sends the lane's next step until it is acknowledged (a resend after a kill, a 429 or a 503 is the same body). */
async function sendStep(lane: number): Promise<number> {
  const step = laneStep[lane]! + 1;
  const body = new Uint8Array(laneBody(lane, step));
  for (;;) {
    const status = await post('/api/v1/write', body, REMOTE_WRITE_HEADERS);
    statuses[status] = (statuses[status] ?? 0) + 1;
    if (status === 204) {
      laneStep[lane] = step;
      laneAcked[lane] = step;
      return SERIES_PER_LANE;
    }
    if (status >= 400 && status < 500 && status !== 429) throw new Error(`write refused for good: ${status}`);
    await sleep(status === 0 ? 200 : 1000);
  }
}

// 1. Capacity.
{
  const until = Date.now() + 10_000;
  let samples = 0;
  const senders = Array.from({ length: 16 }, async (_, sender) => {
    // The SLO's metric (so the samples go through the engine, not the prefilter), under a job its SLI does not read.
    let step = 0;
    while (Date.now() < until) {
      step++;
      const body = new Uint8Array(remoteWriteBody(Array.from({ length: 1000 }, (_, index) => ({ labels: [['__name__', 'http_requests_total'], ['code', '200'], ['instance', `c${sender}-${index}`], ['job', 'capacity']] as const, value: step, timestamp: startMs + step * 10 }))));
      if ((await post('/api/v1/write', body, REMOTE_WRITE_HEADERS)) === 204) samples += 1000;
    }
  });
  await Promise.all(senders);
  figures.capacitySamplesPerSecond = Math.round(samples / 10);
  say(`capacity: ${Math.round(samples / 10).toLocaleString('en-US')} samples/s acknowledged (16 senders, 1,000-series bodies, 10 s); ${load()}`);
}

// 2. Soak at half capacity, with RSS, the gate, SIGKILLs; 3. slow clients in the middle.
const targetRate = (figures.capacitySamplesPerSecond as number) / 2;
const soakMs = MINUTES * 60_000;
const soakStart = Date.now();
const rss: number[] = [rssMiB()];
const gateMs: number[] = [];
const restarts: number[] = [];
let soaking = true;
const lanes = Array.from({ length: LANES }, async (_, lane) => {
  // Each lane owns 1/LANES of the rate; its steps are paced from the soak's start.
  const stepsPerSecond = targetRate / LANES / SERIES_PER_LANE;
  while (soaking) {
    const due = soakStart + (laneStep[lane]! / stepsPerSecond) * 1000;
    if (due > Date.now()) await sleep(Math.min(1000, due - Date.now()));
    else await sendStep(lane);
  }
});
const gate = (async () => {
  while (soaking) {
    const began = performance.now();
    try {
      const response = await fetch(`${url}/api/v1/gates/shop`, { signal: AbortSignal.timeout(10_000) });
      await response.arrayBuffer();
      if (response.status === 200) gateMs.push(performance.now() - began);
    } catch {
      // down for a kill; counted by the restarts
    }
    await sleep(200);
  }
})();
/** RSS of the running daemon; during a restart (after a kill) it waits for the new process. */
async function sampleRss(): Promise<void> {
  for (let tries = 0; tries < 50; tries++) {
    const value = rssMiB();
    if (Number.isFinite(value)) {
      rss.push(value);
      return;
    }
    await sleep(200);
  }
  rss.push(Number.NaN);
}
const sampler = setInterval(() => void sampleRss(), 60_000);
let slow = { opened: 0, closed: 0, gateP99: Number.NaN, gateP50: Number.NaN };
const slowClients = (async () => {
  await sleep(soakMs / 2 - 15_000 > 0 ? soakMs / 2 - 15_000 : 0);
  const sockets: Socket[] = [];
  let closed = 0;
  for (let index = 0; index < 1000; index++) {
    const socket = connect(port, '127.0.0.1', () => socket.write('POST /api/v1/write HTTP/1.1\r\nHost: sloe\r\nX-Slow: '));
    socket.on('error', () => undefined);
    socket.on('close', () => closed++);
    sockets.push(socket);
  }
  const from = gateMs.length;
  const trickle = setInterval(() => {
    for (const socket of sockets) if (!socket.destroyed) socket.write('a');
  }, 1000);
  await sleep(15_000);
  clearInterval(trickle);
  const during = gateMs.slice(from);
  slow = { opened: sockets.length, closed, gateP50: percentile(during, 0.5), gateP99: percentile(during, 0.99) };
  for (const socket of sockets) socket.destroy();
})();
for (let kill = 1; kill <= KILLS; kill++) {
  // The kills fall in the first third, so the rest of the run shows one process's memory after warm-up.
  await sleep(Math.max(0, soakStart + (soakMs / 3) * (kill / (KILLS + 1)) - Date.now()));
  sloe.child.kill('SIGKILL');
  await sloe.exited();
  const began = Date.now();
  sloe = await startSloe(port, args, 60_000);
  restarts.push(Date.now() - began);
}
await sleep(Math.max(0, soakStart + soakMs - Date.now()));
soaking = false;
clearInterval(sampler);
await Promise.all([...lanes, gate, slowClients]);
rss.push(rssMiB());
const acknowledged = laneAcked.reduce((sum, steps) => sum + steps * SERIES_PER_LANE, 0);
// Every counter started at step 1 (its first sample is its baseline), so the window's events are Σ (last - 1).
const expectedEvents = laneAcked.reduce((sum, steps) => sum + Math.max(0, steps - 1) * SERIES_PER_LANE, 0);
let events = { good: Number.NaN, total: Number.NaN };
for (let tries = 0; tries < 100; tries++) {
  events = ((await (await fetch(`${url}/api/v1/slos/shop-availability`)).json()) as { events: { good: number; total: number } }).events;
  if (events.total === expectedEvents) break;
  await sleep(300);
}
Object.assign(figures, {
  targetSamplesPerSecond: Math.round(targetRate),
  achievedSamplesPerSecond: Math.round(acknowledged / (soakMs / 1000)),
  rssMiBPerMinute: rss.map((value) => Math.round(value)),
  gateP50Ms: Math.round(percentile(gateMs, 0.5)),
  gateP99Ms: Math.round(percentile(gateMs, 0.99)),
  kills: restarts.length,
  restartToReadyMs: { median: percentile(restarts, 0.5), max: Math.max(...restarts) },
  writeStatuses: statuses,
  eventsCounted: events.total,
  eventsAcknowledged: expectedEvents,
  slowClients: slow,
});
say(`soak: ${MINUTES} min at ${Math.round(targetRate).toLocaleString('en-US')} samples/s target, ${(figures.achievedSamplesPerSecond as number).toLocaleString('en-US')} achieved; ${load()}`);
say(`  RSS MiB at start and each minute (kills in the first third): ${(figures.rssMiBPerMinute as number[]).join(', ')}`);
say(`  gate: ${gateMs.length} answers, p50 ${figures.gateP50Ms as number} ms, p99 ${figures.gateP99Ms as number} ms`);
say(`  ${restarts.length} SIGKILLs: restart to ready median ${percentile(restarts, 0.5)} ms, max ${Math.max(...restarts)} ms; write answers ${JSON.stringify(statuses)}`);
say(`  events counted ${events.total} for ${expectedEvents} acknowledged: ${events.total === expectedEvents ? 'nothing lost or doubled' : 'MISMATCH'}`);
say(`slow clients: ${slow.closed} of ${slow.opened} trickling connections closed by the daemon within 15 s; gate meanwhile p50 ${Math.round(slow.gateP50)} ms, p99 ${Math.round(slow.gateP99)} ms`);

// 4. Mutated bodies per route.
function mutate(body: Uint8Array, seed: number): Uint8Array {
  let state = seed * 2_654_435_761 + 1;
  const random = () => ((state = (state * 1_103_515_245 + 12_345) >>> 0) / 2 ** 32);
  const copy = Uint8Array.from(body);
  const kind = seed % 3;
  if (kind === 0) for (let flips = 1 + Math.floor(random() * 8); flips > 0; flips--) copy[Math.floor(random() * copy.length)]! ^= 1 << Math.floor(random() * 8);
  if (kind === 1) return copy.subarray(0, Math.floor(random() * copy.length));
  if (kind === 2) for (let index = Math.floor(random() * copy.length); index < Math.min(copy.length, index + 16); index++) copy[index] = Math.floor(random() * 256);
  return copy;
}
const routes = [
  { name: 'remote write', path: '/api/v1/write', body: new Uint8Array(laneBody(0, 1)), headers: REMOTE_WRITE_HEADERS as Record<string, string> },
  { name: 'OTLP protobuf', path: '/v1/metrics', body: toProtobuf(sampleRequestJson()), headers: { 'content-type': 'application/x-protobuf' } },
];
const mutated: Record<string, Record<string, number>> = {};
for (const route of routes) {
  const answers: Record<string, number> = {};
  for (let seed = 1; seed <= MUTATIONS; seed++) {
    const status = await post(route.path, mutate(route.body, seed), route.headers);
    answers[status] = (answers[status] ?? 0) + 1;
  }
  mutated[route.name] = answers;
  say(`mutated bodies, ${route.name}: ${MUTATIONS} sent, answers ${JSON.stringify(answers)}${Object.keys(answers).some((status) => Number(status) >= 500 || status === '0') ? ' FAILURE' : ''}`);
}
figures.mutated = mutated;
figures.aliveAfterMutations = (await fetch(`${url}/healthz`)).status === 200;

// 5. Disk full.
if (tmpfs) {
  const filler = join(data, 'filler');
  const descriptor = openSync(filler, 'w');
  // Megabytes, then pages, until not one more byte fits.
  for (const size of [1 << 20, 4096, 1]) {
    const chunk = Buffer.alloc(size, 1);
    try {
      for (;;) writeSync(descriptor, chunk);
    } catch {
      // full at this size
    }
  }
  closeSync(descriptor);
  const answers: Record<string, number> = {};
  let retryAfter = 0;
  // SQLite first fills pages its WAL already holds; up to 1,000 writes, until 100 have been refused.
  for (let index = 0; index < 1000 && (answers[503] ?? 0) < 100; index++) {
    const response = await fetch(`${url}/api/v1/write`, { method: 'POST', headers: REMOTE_WRITE_HEADERS, body: new Uint8Array(laneBody(7, 1_000_000 + index)) });
    await response.arrayBuffer();
    answers[response.status] = (answers[response.status] ?? 0) + 1;
    if (response.headers.get('retry-after') !== null) retryAfter++;
  }
  const gateWhileFull = (await fetch(`${url}/api/v1/gates/shop`)).status;
  rmSync(filler);
  const after = await post('/api/v1/write', new Uint8Array(laneBody(7, 2_000_000)), REMOTE_WRITE_HEADERS);
  figures.diskFull = { answers, retryAfter, gateWhileFull, writeAfterFreeing: after };
  say(`disk full: writes answered ${JSON.stringify(answers)} (${retryAfter} with Retry-After), gate ${gateWhileFull}; after freeing space a write got ${after}`);
} else {
  figures.diskFull = 'skipped: no tmpfs';
}

// 6. A corrupt database.
sloe.child.kill('SIGTERM');
await sloe.exited();
const damaged = mkdtempSync(join(tmpdir(), 'sloe-soak-corrupt-'));
copyFileSync(join(data, 'sloe.db'), join(damaged, 'sloe.db'));
{
  const size = statSync(join(damaged, 'sloe.db')).size;
  const descriptor = openSync(join(damaged, 'sloe.db'), 'r+');
  const noise = Buffer.alloc(Math.max(0, size - 4096), 0x5a);
  writeSync(descriptor, noise, 0, noise.length, 4096);
  closeSync(descriptor);
}
const bin = ['--import', 'tsx', join(ROOT, 'test', 'helpers', 'sloe-bin.ts')];
const refused = spawnSync(process.execPath, [...bin, 'serve', '--listen', '127.0.0.1:0', '--data', damaged, '--slos', specs], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
const named = `${refused.stdout}${refused.stderr}`.includes(join(damaged, 'sloe.db'));
const repairStarted = Date.now();
const repair = spawnSync(process.execPath, [...bin, 'doctor', '--data', damaged, '--repair'], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
const repairMs = Date.now() - repairStarted;
const afterRepair = await startSloe(await freePort(), ['--slos', specs, '--data', damaged], 60_000);
const ready = (await fetch(`${afterRepair.url}/readyz`)).status;
afterRepair.child.kill('SIGTERM');
await afterRepair.exited();
figures.corrupt = { serveExit: refused.status, fileNamed: named, repairExit: repair.status, repairMs, readyAfterRepair: ready, movedAside: existsSync(damaged) };
say(`corrupt database: serve exited ${refused.status} ${named ? 'naming the file' : 'WITHOUT naming the file'}; doctor --repair exited ${repair.status} in ${repairMs} ms; serve then ready (${ready})`);

if (tmpfs) execFileSync('umount', ['-l', data]);
rmSync(root, { recursive: true, force: true });
rmSync(damaged, { recursive: true, force: true });
say(`SOAK_RESULT ${JSON.stringify(figures)}`);
