/**
 * bench/ingest: the realistic remote-write stream of stream.ts (100,000 series from 200 targets in 100 jobs, 500
 * samples per request, 8 shards on 8 connections) sent to sloe and to Prometheus 2.42's own receiver
 * (`--web.enable-remote-write-receiver`), at three matched shares (0 %, 10 %, 100 % of the series read by an SLI).
 *
 * Method: both receivers are pinned with taskset to core 1, this load generator to core 0. Every run starts a fresh
 * receiver on fresh storage, sends one scrape round (not measured: it creates the series), then ROUNDS rounds that are
 * measured: samples/s from the wall clock, and CPU-seconds per million samples from utime+stime of the receiver's
 * process tree in /proc/<pid>/stat. Runs alternate sloe and Prometheus, the same bodies and the same client for both.
 * Each run prints the machine's load and the CPU other processes used meanwhile (from /proc/stat), since the machine
 * may be shared. Figures are medians over RUNS runs per receiver and share, with their spread.
 * Run: `npm run bench -- ingest` or `npx tsx bench/ingest/run.ts [--shares 0,0.1,1] [--runs N] [--receivers sloe]
 * [--cpu-prof]` (the last two profile sloe alone: profiles land in bench/ingest/profiles/).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { startPrometheus } from '../../test/ingest/prometheus-process.js';
import { median, reportFigures } from '../lib.js';
import { machineBusySeconds, pinProcess, treeCpuSeconds } from '../proc.js';
import type { Figure } from '../lib.js';
import { remoteWriteSender } from './sender.js';
import { JOBS, SHARDS, TARGETS_PER_JOB, SERIES_PER_TARGET, matchedSpecs, streamBodies } from './stream.js';

const args = process.argv.slice(2);
const option = (name: string, fallback: string): string => {
  const at = args.indexOf(`--${name}`);
  return at >= 0 && args[at + 1] !== undefined ? args[at + 1]! : fallback;
};
const SHARES = option('shares', '0,0.1,1').split(',').map(Number) as (0 | 0.1 | 1)[];
const RUNS = Number(option('runs', '3'));
const ROUNDS = Number(option('rounds', '5'));
const PROFILE = args.includes('--cpu-prof');
/** Which receivers run (`--receivers sloe` profiles sloe alone); both by default, and only both give ratios. */
const RECEIVERS = option('receivers', 'sloe,prometheus').split(',') as ('sloe' | 'prometheus')[];
const SERIES = JOBS * TARGETS_PER_JOB * SERIES_PER_TARGET;
const MEASURED_SAMPLES = ROUNDS * SERIES;
const RECEIVER_CORE = '1';
const GENERATOR_CORE = '0';

/** Pins every thread of this process (the load generator) to its core. */
pinProcess(process.pid, GENERATOR_CORE);

function rssBytes(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(match?.[1] ?? 0) * 1024;
}

const post = remoteWriteSender(SHARDS);

/** Each shard sends its requests one after the other on its own connection, as Prometheus's shards do. */
async function sendRounds(url: string, bodies: readonly Uint8Array[][], fromRound: number, toRound: number): Promise<void> {
  await Promise.all(
    bodies.map(async (shardBodies) => {
      const perRound = shardBodies.length / (ROUNDS + 1);
      for (let i = fromRound * perRound; i < toRound * perRound; i++) await post(url, shardBodies[i]!);
    }),
  );
}

interface Receiver {
  readonly url: string;
  readonly pid: number;
  stop(): Promise<void>;
}

async function startSloe(specPath: string): Promise<Receiver> {
  const node = [...(PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${join(import.meta.dirname, 'profiles')}`] : []), '--import', 'tsx', join(import.meta.dirname, 'sloe-server.ts'), specPath];
  const child = spawn('taskset', ['-c', RECEIVER_CORE, process.execPath, ...node], { stdio: ['pipe', 'pipe', 'inherit'] });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error('sloe did not start in 120 s')), 120_000);
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /LISTENING (\S+)/.exec(out);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    child.once('exit', (code) => reject(new Error(`sloe exited with ${code}`)));
  });
  return {
    url,
    pid: child.pid ?? 0,
    stop: async () => {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

async function startReceiver(target: 'sloe' | 'prometheus', specPath: string): Promise<Receiver> {
  if (target === 'sloe') return startSloe(specPath);
  return startPrometheus('global:\n  scrape_interval: 1m\n', ['--web.enable-remote-write-receiver'], ['taskset', '-c', RECEIVER_CORE]);
}

interface RunFigures {
  samplesPerSecond: number;
  cpuPerMillion: number;
  rssBytes: number;
}

async function measure(target: 'sloe' | 'prometheus', specPath: string, bodies: readonly Uint8Array[][]): Promise<RunFigures> {
  const receiver = await startReceiver(target, specPath);
  try {
    const url = `${receiver.url}/api/v1/write`;
    // Resident memory before any series: what the receiver holds per series is the growth from here.
    const rssBefore = rssBytes(receiver.pid);
    await sendRounds(url, bodies, 0, 1);
    const load = loadavg()[0] ?? 0;
    const cpuBefore = treeCpuSeconds(receiver.pid);
    const machineBefore = machineBusySeconds();
    const selfBefore = process.cpuUsage();
    const started = performance.now();
    await sendRounds(url, bodies, 1, ROUNDS + 1);
    const seconds = (performance.now() - started) / 1000;
    const cpu = treeCpuSeconds(receiver.pid) - cpuBefore;
    const self = process.cpuUsage(selfBefore);
    const others = machineBusySeconds() - machineBefore - cpu - (self.user + self.system) / 1e6;
    const figures = { samplesPerSecond: MEASURED_SAMPLES / seconds, cpuPerMillion: (cpu / MEASURED_SAMPLES) * 1e6, rssBytes: rssBytes(receiver.pid) - rssBefore };
    console.log(
      `  ${target.padEnd(10)} ${Math.round(figures.samplesPerSecond).toLocaleString('en-US').padStart(9)} samples/s, ${figures.cpuPerMillion.toFixed(2)} CPU-s per million samples (receiver ${cpu.toFixed(2)} CPU-s in ${seconds.toFixed(2)} s); load avg ${load.toFixed(1)}, other processes ${Math.max(0, others).toFixed(2)} CPU-s meanwhile`,
    );
    return figures;
  } finally {
    await receiver.stop();
  }
}

console.log(`building ${ROUNDS + 1} scrape rounds of ${SERIES.toLocaleString('en-US')} series in ${SHARDS} shards...`);
const bodies = streamBodies(ROUNDS + 1, Date.now() - 2 * 60 * 60_000);
const dir = mkdtempSync(join(tmpdir(), 'sloe-bench-ingest-'));
const figures: Figure[] = [];
try {
  for (const share of SHARES) {
    const specs = matchedSpecs(share);
    const specPath = join(dir, `slos-${share}.yaml`);
    writeFileSync(specPath, specs.yaml);
    console.log(`\n${share * 100} % matched: ${specs.slos} SLOs reading ${specs.matchedSeries.toLocaleString('en-US')} of ${SERIES.toLocaleString('en-US')} series`);
    const runs: Record<'sloe' | 'prometheus', RunFigures[]> = { sloe: [], prometheus: [] };
    for (let run = 0; run < RUNS; run++) {
      // Alternate who goes first, so neither always meets the same moment of the machine's load.
      const order = run % 2 === 0 ? (['sloe', 'prometheus'] as const) : (['prometheus', 'sloe'] as const);
      console.log(`run ${run + 1}/${RUNS}`);
      for (const target of order) if (RECEIVERS.includes(target)) runs[target].push(await measure(target, specPath, bodies));
    }
    const label = `${share * 100} % matched`;
    const rate = (target: 'sloe' | 'prometheus') => runs[target].map((one) => one.samplesPerSecond);
    const cpu = (target: 'sloe' | 'prometheus') => runs[target].map((one) => one.cpuPerMillion);
    const rateTarget = share === 0.1 ? 2 : share === 1 ? 1 : undefined;
    const cpuTarget = share === 0.1 ? 0.25 : share === 1 ? 0.5 : undefined;
    figures.push({
      name: `remote-write samples/s, realistic stream, ${label}`,
      unit: 'samples/s',
      runs: rate('sloe'),
      baselineRuns: rate('prometheus'),
      baselineName: 'Prometheus 2.42 receiver',
      ...(rateTarget === undefined ? {} : { target: `>= ${rateTarget}x Prometheus`, met: median(rate('sloe')) >= rateTarget * median(rate('prometheus')) }),
    });
    figures.push({
      name: `receiver CPU-seconds per million samples, ${label}`,
      unit: 'CPU-s/M',
      runs: cpu('sloe'),
      baselineRuns: cpu('prometheus'),
      baselineName: 'Prometheus 2.42 receiver',
      ...(cpuTarget === undefined ? {} : { target: `<= ${cpuTarget}x Prometheus`, met: median(cpu('sloe')) <= cpuTarget * median(cpu('prometheus')) }),
    });
    if (specs.matchedSeries > 0) {
      figures.push({ name: `sloe resident memory growth per matched series, from start to the last round, ${label}`, unit: 'bytes', runs: runs.sloe.map((one) => one.rssBytes / specs.matchedSeries) });
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
// One receiver alone (profiling) prints its runs above; the figures are ratios, and need both.
if (RECEIVERS.length === 2) reportFigures('ingest', figures);
