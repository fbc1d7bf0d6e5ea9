/**
 * One bench/scale measurement in its own process: N SLOs (2 series each) fed 10 minutes of history through the
 * engine's appender into a SQLite store, then
 * - memory the engine holds per SLO (V8 heap and array buffers after a full GC, less the process with the specs
 *   loaded but no engine), and resident memory beside it;
 * - ms per evaluation tick with nothing burning, and with 10 % of the SLOs burning (page alerts firing);
 * - restart to ready: the store reopened, the engine rebuilt from it and evaluated once.
 * It imports the engine through paths relative to itself, so bench/scale/run.ts can run the same file against an
 * extract of another commit's src/ (today's code) in the same run. Prints one `SCALE_RESULT` JSON line.
 * Usage: node --import tsx --expose-gc bench/scale/probe.ts --slos N --dir DIR
 */
import { join } from 'node:path';
import type { IncomingSeries, Slo, SpecSet } from '../../src/core/index.js';
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

function cpuMs(since: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1000;
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
  let store = openSqliteStore(path);
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
  const ticks = async (burning: (index: number) => boolean): Promise<{ wall: number[]; cpu: number[]; transitions: number; firing: number }> => {
    const wall: number[] = [];
    const cpu: number[] = [];
    let transitions = 0;
    let firing = 0;
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
      firing = report.statuses.filter((status) => status.alerts.some((alert) => alert.state === 'firing')).length;
      if (report.statuses.length !== SLOS) throw new Error(`expected ${SLOS} statuses, got ${report.statuses.length}`);
    }
    return { wall, cpu, transitions, firing };
  };
  const quiet = await ticks(() => false);
  if (quiet.firing !== 0) throw new Error(`${quiet.firing} SLOs fire with nothing burning`);
  const burning = await ticks((index) => index % 10 === 0);
  const expectedFiring = Math.ceil(SLOS / 10);
  if (burning.firing !== expectedFiring) throw new Error(`expected ${expectedFiring} SLOs firing, got ${burning.firing}`);

  // Restart: everything dropped, the store reopened, the engine rebuilt from it and evaluated once.
  engine = undefined;
  store.close();
  gc();
  const restartCpu = process.cpuUsage();
  const restartStarted = performance.now();
  store = openSqliteStore(path);
  engine = new Engine({ specs, store: store.engine, documents: store.documents, journal: store.journal, clock: () => clock });
  const restarted = await engine.evaluate(clock);
  const restartMs = performance.now() - restartStarted;
  const restartCpuMs = cpuMs(restartCpu);
  const firingAfter = restarted.statuses.filter((status) => status.alerts.some((alert) => alert.state === 'firing')).length;
  if (firingAfter !== expectedFiring) throw new Error(`after restart expected ${expectedFiring} SLOs firing, got ${firingAfter}`);
  store.close();

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
  };
  console.log(`SCALE_RESULT ${JSON.stringify(result)}`);
  // The process's own CPU, so the runner can tell what other processes used meanwhile.
  const own = process.cpuUsage();
  console.log(`PROBE_CPU ${(own.user + own.system) / 1e6}`);
}

await main();
