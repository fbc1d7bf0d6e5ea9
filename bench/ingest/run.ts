/**
 * bench/ingest: realistic remote-write 1.0 requests (2,000 series of one sample each, a tenth of them read by an SLI)
 * sent over HTTP to sloe (the real engine and SQLite store, in its own process) and, in the same run, to Prometheus
 * 2.42's own receiver (`--web.enable-remote-write-receiver`). The same snappy bodies go to both, from the same load
 * generator: CONCURRENCY senders, each with its own series set and rising timestamps (as Prometheus's shards send).
 * Prints samples per second for both and their ratio; also the decoder micro-benchmark against protobufjs.
 * Run: `npm run bench -- ingest` or `npx tsx bench/ingest/run.ts`.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { join } from 'node:path';
import { compressSync } from 'snappy';
import { startPrometheus } from '../../test/ingest/prometheus-process.js';
import { median, reportFigures } from '../lib.js';
import { measureDecoders } from './decoder.js';
import { requestV1 } from './payload.js';

const SERIES = 2000;
const CONCURRENCY = 8;
const REQUESTS_PER_SENDER = 25;
const RUNS = 5;
const SAMPLES_PER_RUN = SERIES * CONCURRENCY * REQUESTS_PER_SENDER;
const HEADERS = { 'content-type': 'application/x-protobuf', 'content-encoding': 'snappy', 'x-prometheus-remote-write-version': '0.1.0' };

/** Bodies per run, per sender; timestamps rise by one second per request and never repeat across runs. */
function payloads(): Uint8Array[][][] {
  const start = Date.now() - 60 * 60_000;
  return Array.from({ length: RUNS }, (_, run) =>
    Array.from({ length: CONCURRENCY }, (_, sender) =>
      Array.from({ length: REQUESTS_PER_SENDER }, (_, request) => compressSync(requestV1(SERIES, start + (run * REQUESTS_PER_SENDER + request) * 1000, sender))),
    ),
  );
}

/** CPU seconds (user + system) a process has used, from /proc: the receivers' cost, whatever else the machine runs. */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  // utime and stime are fields 14 and 15 of the line, 12 and 13 after the command.
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });

/** One POST over a kept-alive connection (node:http: lighter than fetch, so the load generator is not the limit). */
function post(url: string, body: Uint8Array): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', agent, headers: { ...HEADERS, 'content-length': body.byteLength } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => ((res.statusCode ?? 0) >= 300 ? reject(new Error(`${url} answered ${res.statusCode}: ${Buffer.concat(chunks).toString()}`)) : resolve()));
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function send(url: string, bodies: readonly Uint8Array[][]): Promise<number> {
  const started = performance.now();
  await Promise.all(
    bodies.map(async (senderBodies) => {
      for (const body of senderBodies) await post(url, body);
    }),
  );
  return SAMPLES_PER_RUN / ((performance.now() - started) / 1000);
}

async function startSloe(): Promise<{ url: string; pid: number; stop: () => Promise<void> }> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'sloe-server.ts')], { stdio: ['pipe', 'pipe', 'inherit'] });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error('sloe did not start in 30 s')), 30_000);
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

console.log(`generating ${RUNS} runs x ${CONCURRENCY} senders x ${REQUESTS_PER_SENDER} requests of ${SERIES} series...`);
const bodies = payloads();
const sloe = await startSloe();
const prometheus = await startPrometheus('global:\n  scrape_interval: 1m\n', ['--web.enable-remote-write-receiver']);
const sloeRuns: number[] = [];
const prometheusRuns: number[] = [];
const sloeCpuRuns: number[] = [];
const prometheusCpuRuns: number[] = [];
try {
  // Warm up both on a run of their own (it is not counted: the receivers' first requests create every series).
  const warmup = bodies[0]!;
  await send(`${sloe.url}/api/v1/write`, warmup);
  await send(`${prometheus.url}/api/v1/write`, warmup);
  for (let run = 1; run < RUNS; run++) {
    // Alternate who goes first, so neither always gets the warmer machine.
    const order = run % 2 === 0 ? (['sloe', 'prometheus'] as const) : (['prometheus', 'sloe'] as const);
    for (const target of order) {
      const pid = target === 'sloe' ? sloe.pid : prometheus.pid;
      const cpuBefore = cpuSeconds(pid);
      const rate = await send(`${target === 'sloe' ? sloe.url : prometheus.url}/api/v1/write`, bodies[run]!);
      const perCpuSecond = SAMPLES_PER_RUN / Math.max(0.01, cpuSeconds(pid) - cpuBefore);
      (target === 'sloe' ? sloeRuns : prometheusRuns).push(rate);
      (target === 'sloe' ? sloeCpuRuns : prometheusCpuRuns).push(perCpuSecond);
      console.log(`run ${run}: ${target} ${Math.round(rate).toLocaleString('en-US')} samples/s, ${Math.round(perCpuSecond).toLocaleString('en-US')} samples per CPU-second of the receiver`);
    }
  }
} finally {
  await sloe.stop();
  await prometheus.stop();
}
const decoders = measureDecoders(5, 5);
const ratio = median(sloeRuns) / median(prometheusRuns);
reportFigures('ingest', [
  {
    name: 'remote-write samples/s over HTTP (2,000 series/request, 1 in 10 read by an SLI)',
    unit: 'samples/s',
    runs: sloeRuns,
    baselineRuns: prometheusRuns,
    baselineName: 'Prometheus 2.42 receiver',
    target: '>= Prometheus and > 400,000',
    met: ratio >= 1 && median(sloeRuns) > 400_000,
  },
  {
    name: 'remote-write samples per CPU-second of the receiving process (load-independent)',
    unit: 'samples/CPU-s',
    runs: sloeCpuRuns,
    baselineRuns: prometheusCpuRuns,
    baselineName: 'Prometheus 2.42 receiver',
  },
  { name: 'remote-write 1.0 decode in process', unit: 'samples/s', runs: decoders.sloe, baselineRuns: decoders.protobufjs, baselineName: 'protobufjs decode' },
]);
