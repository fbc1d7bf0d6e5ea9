/**
 * One bench/scale measurement in its own process: N SLOs (2 series each) fed 10 minutes of history through the
 * engine's appender into a SQLite store, then
 * - memory the engine holds per SLO (V8 heap and array buffers after a full GC, less the process with the specs
 *   loaded but no engine), and resident memory beside it;
 * - ms per evaluation tick with nothing burning, and with 10 % of the SLOs burning (page alerts firing);
 * - restart to ready: the store reopened, the engine rebuilt from it and evaluated once.
 * It imports the engine through paths relative to itself, so bench/scale/run.ts can run the same file against an
 * extract of another commit's src/ (today's code) in the same run. Prints one `SCALE_RESULT` JSON line.
 *
 * The restart is also checked: a SHA-1 of every status as JSON after the restart must equal the one from the last tick
 * before it (same data, same time), or the probe fails. What the restart needs is left in DIR (`sloe.db` and
 * `restart.json`), so `--restart-only` can repeat just the restart against a fresh copy of that database, printing
 * wall and CPU time per phase (store open, the engine's start stages, the first evaluation) as `RESTART_RESULT`: the
 * 100k feed takes minutes, the restart seconds, and a `--cpu-prof` of a restart-only run profiles nothing else. On
 * Linux it also prints the main thread's own CPU (`mainThreadCpuMs`), without GC helpers and worker threads.
 * Usage: node --import tsx --expose-gc bench/scale/probe.ts --slos N --dir DIR [--restart-only]
 */
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import type { IncomingSeries, Slo, SloStatus, SpecSet } from '../../src/core/index.js';
import { DAY, MINUTE, tiersForPeriod } from '../../src/core/index.js';
import { Engine } from '../../src/engine/index.js';
import { openSqliteStore } from '../../src/store/index.js';

const arg = (name: string): string | undefined => {
  const index = process.argv.indexOf(name);
  return index > 0 ? process.argv[index + 1] : undefined;
};
const SLOS = Number(arg('--slos') ?? 1000);
const DIR = arg('--dir') ?? '.';
const PERIOD = 30 * DAY;
const HISTORY_MINUTES = 10;
const START = Date.UTC(2026, 10, 26, 12);
/** Series per remote-write request while feeding (a typical sender's batch). */
const BATCH = 5000;
const TICKS = 10;
const RESTART_ONLY = process.argv.includes('--restart-only');

/** What a restart-only run needs from the probe that built the database. */
interface RestartInput {
  readonly slos: number;
  readonly clock: number;
  readonly firing: number;
  readonly digest: string;
}

function sloFor(index: number): Slo {
  const job = `svc-${index}`;
  return {
    name: `slo-${index}`,
    service: job,
    labels: {},
    sli: {
      kind: 'ratio',
      bad: { promql: `sum(rate(http_requests_total{job="${job}",code=~"5.."}[{{.window}}]))` },
      total: { promql: `sum(rate(http_requests_total{job="${job}"}[{{.window}}]))` },
    },
    objectives: [{ key: 'main', target: 0.999 }],
    window: { kind: 'rolling', duration: PERIOD },
    budgetingMethod: 'Occurrences',
    alerting: { name: `Slo${index}`, labels: {}, annotations: {}, tiers: tiersForPeriod(PERIOD), minEvents: 0, keepFiringFor: 0, noDataFor: 0 },
    exclusions: [],
    maintenance: [],
  };
}

function gc(): void {
  const collect = (globalThis as { gc?: () => void }).gc;
  if (!collect) throw new Error('run with --expose-gc');
  collect();
  collect();
}

/** What the process holds in the JS heap and in typed arrays' buffers (the engine's rings live there). */
function heldBytes(): number {
  const usage = process.memoryUsage();
  return usage.heapUsed + usage.arrayBuffers;
}

/**
 * CPU time of the main thread alone (ms), from Linux's per-thread accounting (10 ms ticks): process CPU counts V8's GC
 * helpers and any worker thread too, so a restart that moves work to a worker shows there as the same CPU. Undefined
 * where /proc is not there.
 */
function mainThreadCpuMs(): number | undefined {
  try {
    const fields = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    // utime and stime, fields 14 and 15 of stat(5), counted after the command name's closing parenthesis.
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return undefined;
  }
}

function cpuMs(since: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1000;
}

function firingCount(statuses: readonly SloStatus[]): number {
  return statuses.filter((status) => status.alerts.some((alert) => alert.state === 'firing')).length;
}

/** Every status as JSON, hashed: any figure, alert or label that differs changes it. */
function statusDigest(statuses: readonly SloStatus[]): string {
  const hash = createHash('sha1');
  for (const status of statuses) hash.update(JSON.stringify(status)).update('\n');
  return hash.digest('hex');
}

/** One phase of a restart: wall and process CPU time (CPU includes V8's GC helper threads). */
interface Phase {
  readonly phase: string;
  readonly wallMs: number;
  readonly cpuMs?: number;
}

/**
 * The store reopened, the engine rebuilt from it and evaluated once at `clock`, timed by phase. The engine's own start
 * stages are read when the tree has them (`startStages`), so the same probe still runs on an older tree's src/.
 */
async function restart(path: string, specs: SpecSet, clock: number): Promise<{ statuses: readonly SloStatus[]; wallMs: number; cpuMs: number; mainThreadCpuMs?: number; phases: Phase[] }> {
  const mainStart = mainThreadCpuMs();
  const cpuStart = process.cpuUsage();
  const started = performance.now();
  const store = openSqliteStore(path);
  const opened = performance.now();
  const openCpu = cpuMs(cpuStart);
  const engine = new Engine({ specs, store: store.engine, documents: store.documents, journal: store.journal, clock: () => clock });
  const built = performance.now();
  const builtCpu = cpuMs(cpuStart);
  const report = await engine.evaluate(clock);
  const wallMs = performance.now() - started;
  const totalCpu = cpuMs(cpuStart);
  const startStages = (engine as { startStages?: readonly { stage: string; durationMs: number; cpuMs?: number }[] }).startStages ?? [];
  const phases: Phase[] = [
    { phase: 'store open', wallMs: opened - started, cpuMs: openCpu },
    { phase: 'engine constructor', wallMs: built - opened, cpuMs: builtCpu - openCpu },
    ...startStages.map((stage) => ({ phase: `  ${stage.stage}`, wallMs: stage.durationMs, ...(stage.cpuMs === undefined ? {} : { cpuMs: stage.cpuMs }) })),
    { phase: 'first evaluation', wallMs: wallMs - (built - started), cpuMs: totalCpu - builtCpu },
    ...report.stages.map((stage) => ({ phase: `  ${stage.stage}`, wallMs: stage.durationMs, ...((stage as { cpuMs?: number }).cpuMs === undefined ? {} : { cpuMs: (stage as { cpuMs?: number }).cpuMs }) })),
  ];
  store.close();
  const mainEnd = mainThreadCpuMs();
  return { statuses: report.statuses, wallMs, cpuMs: totalCpu, ...(mainStart === undefined || mainEnd === undefined ? {} : { mainThreadCpuMs: mainEnd - mainStart }), phases };
}

/** The restart alone, against a fresh copy of the database a full probe left in DIR; fails if any status differs. */
async function restartOnly(): Promise<void> {
  const input = JSON.parse(readFileSync(join(DIR, 'restart.json'), 'utf8')) as RestartInput;
  if (input.slos !== SLOS) throw new Error(`${DIR} holds a database of ${input.slos} SLOs, not ${SLOS}`);
  const specs: SpecSet = { services: [], slos: Array.from({ length: SLOS }, (_, index) => sloFor(index)), policies: [] };
  const copy = mkdtempSync(join(DIR, 'restart-'));
  try {
    for (const suffix of ['', '-wal', '-shm']) if (existsSync(join(DIR, `sloe.db${suffix}`))) copyFileSync(join(DIR, `sloe.db${suffix}`), join(copy, `sloe.db${suffix}`));
    gc();
    const load = loadavg()[0]!;
    const result = await restart(join(copy, 'sloe.db'), specs, input.clock);
    const digest = statusDigest(result.statuses);
    const firing = firingCount(result.statuses);
    for (const phase of result.phases) console.log(`${phase.phase.padEnd(28)} ${phase.wallMs.toFixed(0).padStart(7)} ms wall ${phase.cpuMs === undefined ? '' : `${phase.cpuMs.toFixed(0).padStart(7)} ms CPU`}`);
    console.log(`RESTART_RESULT ${JSON.stringify({ slos: SLOS, wallMs: result.wallMs, cpuMs: result.cpuMs, mainThreadCpuMs: result.mainThreadCpuMs, load, digest, phases: result.phases })}`);
    if (firing !== input.firing) throw new Error(`after restart expected ${input.firing} SLOs firing, got ${firing}`);
    if (digest !== input.digest) throw new Error(`statuses after restart differ from before it: digest ${digest}, expected ${input.digest}`);
  } finally {
    rmSync(copy, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const specs: SpecSet = { services: [], slos: Array.from({ length: SLOS }, (_, index) => sloFor(index)), policies: [] };
  const path = join(DIR, 'sloe.db');
  const totals = new Float64Array(SLOS);
  const bads = new Float64Array(SLOS);
  let clock = START;
  /** One sample for every series at `clock`; `burning` SLOs get 10 % bad events (burn rate 100 at 99.9 %). */
  const feed = (engine: Engine, burning: (index: number) => boolean): void => {
    let batch: IncomingSeries[] = [];
    for (let index = 0; index < SLOS; index++) {
      totals[index] = totals[index]! + 1000;
      bads[index] = bads[index]! + (burning(index) ? 100 : 0);
      batch.push({ labels: { __name__: 'http_requests_total', job: `svc-${index}`, code: '200' }, timestamps: [clock], values: [totals[index]! - bads[index]!] });
      batch.push({ labels: { __name__: 'http_requests_total', job: `svc-${index}`, code: '500' }, timestamps: [clock], values: [bads[index]!] });
      if (batch.length >= BATCH) {
        engine.append(batch, 'remote_write');
        batch = [];
      }
    }
    if (batch.length > 0) engine.append(batch, 'remote_write');
  };

  gc();
  const heldBefore = heldBytes();
  const rssBefore = process.memoryUsage().rss;
  const store = openSqliteStore(path);
  const feedStarted = performance.now();
  let engine: Engine | undefined = new Engine({ specs, store: store.engine, documents: store.documents, journal: store.journal, clock: () => clock });
  for (let minute = 0; minute <= HISTORY_MINUTES; minute++) {
    clock = START + minute * MINUTE;
    feed(engine, () => false);
    await engine.evaluate(clock);
  }
  const feedSeconds = (performance.now() - feedStarted) / 1000;
  gc();
  const held = heldBytes() - heldBefore;
  const rss = process.memoryUsage().rss - rssBefore;

  // Ticks every 30 s, a sample per series every minute (folded before the tick, so the figure is the evaluation).
  const ticks = async (burning: (index: number) => boolean): Promise<{ wall: number[]; cpu: number[]; transitions: number; firing: number; statuses: readonly SloStatus[] }> => {
    const wall: number[] = [];
    const cpu: number[] = [];
    let transitions = 0;
    let firing = 0;
    let statuses: readonly SloStatus[] = [];
    for (let tick = 0; tick < TICKS; tick++) {
      clock += 30_000;
      if (tick % 2 === 0) feed(engine!, burning);
      store.engine.fold?.();
      const cpuStart = process.cpuUsage();
      const started = performance.now();
      const report = await engine!.evaluate(clock);
      wall.push(performance.now() - started);
      cpu.push(cpuMs(cpuStart));
      transitions += report.transitions.length;
      firing = firingCount(report.statuses);
      statuses = report.statuses;
      if (report.statuses.length !== SLOS) throw new Error(`expected ${SLOS} statuses, got ${report.statuses.length}`);
    }
    return { wall, cpu, transitions, firing, statuses };
  };
  const quiet = await ticks(() => false);
  if (quiet.firing !== 0) throw new Error(`${quiet.firing} SLOs fire with nothing burning`);
  const burning = await ticks((index) => index % 10 === 0);
  const expectedFiring = Math.ceil(SLOS / 10);
  if (burning.firing !== expectedFiring) throw new Error(`expected ${expectedFiring} SLOs firing, got ${burning.firing}`);

  // Restart: everything dropped, the store reopened, the engine rebuilt from it and evaluated once at the same time
  // as the last tick, so every status must come out as it was.
  const input: RestartInput = { slos: SLOS, clock, firing: burning.firing, digest: statusDigest(burning.statuses) };
  writeFileSync(join(DIR, 'restart.json'), JSON.stringify(input));
  engine = undefined;
  store.close();
  gc();
  const restarted = await restart(path, specs, clock);
  const restartMs = restarted.wallMs;
  const restartCpuMs = restarted.cpuMs;
  const firingAfter = firingCount(restarted.statuses);
  if (firingAfter !== expectedFiring) throw new Error(`after restart expected ${expectedFiring} SLOs firing, got ${firingAfter}`);
  const digestAfter = statusDigest(restarted.statuses);
  if (digestAfter !== input.digest) throw new Error(`statuses after restart differ from before it: digest ${digestAfter}, expected ${input.digest}`);

  const result = {
    slos: SLOS,
    feedSeconds,
    heldBytes: held,
    rssBytes: rss,
    quietTickMs: quiet.wall,
    quietTickCpuMs: quiet.cpu,
    burningTickMs: burning.wall,
    burningTickCpuMs: burning.cpu,
    burningTransitions: burning.transitions,
    restartMs,
    restartCpuMs,
    restartPhases: restarted.phases,
  };
  console.log(`SCALE_RESULT ${JSON.stringify(result)}`);
  // The process's own CPU, so the runner can tell what other processes used meanwhile.
  const own = process.cpuUsage();
  console.log(`PROBE_CPU ${(own.user + own.system) / 1e6}`);
}

await (RESTART_ONLY ? restartOnly() : main());
