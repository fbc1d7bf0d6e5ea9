/**
 * bench/eval: 10,000 SLOs with full 30-day histories in a SQLite file.
 * - ms per evaluation tick (every objective: period and seven burn-rate windows, alert steps, alert state saved),
 *   against a naive tick that re-sums every window from the store's buckets with SQL;
 * - bytes on disk per SLO for 30 days (1-hour buckets for the period, 1-minute buckets for the last 6 hours), against
 *   keeping 1-minute buckets for all 30 days (measured on a sample of SLOs in the same run);
 * - resident memory of the engine, against the process before the engine was built;
 * - matched samples/s through the appender (one transaction per request), against one transaction per sample;
 * - grouped SLOs (issue 15): 100 SLOs × 100 groups (`groupBy: [route]`, 10,000 budgets, the same 30-day history per
 *   group), tick time, restore and memory of the engine, against the 10,000 plain SLOs above, in the same process.
 * Usage: node --import tsx --expose-gc bench/eval/run.ts [--slos N] [--grouped-slos N] [--groups N]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { IncomingSeries, Slo, SpecSet } from '../../src/core/index.js';
import { COARSE_BUCKET_MS, DAY, FINE_BUCKET_MS, HOUR, MINUTE, groupId, groupTermKey, tiersForPeriod } from '../../src/core/index.js';
import { Engine } from '../../src/engine/index.js';
import { openSqliteStore } from '../../src/store/index.js';
import type { SqliteStore } from '../../src/store/index.js';
import { median, reportFigures } from '../lib.js';

const argSlos = process.argv.indexOf('--slos');
const SLOS = argSlos > 0 ? Number(process.argv[argSlos + 1]) : 10_000;
const argGroupedSlos = process.argv.indexOf('--grouped-slos');
const GROUPED_SLOS = argGroupedSlos > 0 ? Number(process.argv[argGroupedSlos + 1]) : 100;
const argGroups = process.argv.indexOf('--groups');
const GROUPS = argGroups > 0 ? Number(process.argv[argGroups + 1]) : 100;
const NOW = Date.UTC(2026, 10, 26, 12);
const PERIOD = 30 * DAY;
const FINE_KEEP = 6 * HOUR;

function sloFor(index: number, groupBy?: readonly string[]): Slo {
  const job = `svc-${index}`;
  return {
    ...(groupBy ? { groupBy, maxGroups: GROUPS } : {}),
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

const totalTerm = (index: number) => `http_requests_total{job="svc-${index}"}`;
const badTerm = (index: number) => `http_requests_total{code=~"5..",job="svc-${index}"}`;
const routeOf = (group: number) => `/v1/r${group}`;

/**
 * Writes 30 days of history the way the engine leaves it: coarse buckets for 30 days, fine ones for the last 6 h.
 * With `groups`, each SLO is split by route and every route gets that history under its group terms
 * (`<term> @ {"route":...}`) and its own series, the terms themselves holding the sum, as ingest leaves them.
 */
function seed(path: string, slos: number, fineForDays = 0, groups = 0): void {
  const store = openSqliteStore(path);
  const db = store.db;
  const insertTerm = db.prepare('INSERT INTO terms (key) VALUES (?)');
  const fine = db.prepare('INSERT INTO buckets_fine (term_id, t, value) VALUES (?, ?, ?)');
  const coarse = db.prepare('INSERT INTO buckets_coarse (term_id, t, value) VALUES (?, ?, ?)');
  const series = db.prepare('INSERT INTO series_state (key, last_ts, last_value, start_time) VALUES (?, ?, ?, 0)');
  const firstHour = Math.floor((NOW - PERIOD) / COARSE_BUCKET_MS) * COARSE_BUCKET_MS;
  const fineFrom = Math.floor((NOW - (fineForDays > 0 ? fineForDays * DAY : FINE_KEEP)) / FINE_BUCKET_MS) * FINE_BUCKET_MS;
  db.transaction(() => {
    for (let index = 0; index < slos; index++) {
      const history = (total: number, bad: number, times: number, shift: number): void => {
        for (let t = firstHour; t < NOW; t += COARSE_BUCKET_MS) {
          coarse.run(total, t, 60_000 * times);
          coarse.run(bad, t, (30 + (shift % 7)) * times);
        }
        for (let t = fineFrom; t < NOW; t += FINE_BUCKET_MS) {
          fine.run(total, t, 1000 * times);
          fine.run(bad, t, ((shift + t / FINE_BUCKET_MS) % 3) * times);
        }
      };
      history(Number(insertTerm.run(totalTerm(index)).lastInsertRowid), Number(insertTerm.run(badTerm(index)).lastInsertRowid), Math.max(1, groups), index);
      if (groups === 0) {
        for (const code of ['200', '500']) series.run(JSON.stringify([['__name__', 'http_requests_total'], ['code', code], ['job', `svc-${index}`]]), NOW - 15_000, 1e6);
        continue;
      }
      for (let group = 0; group < groups; group++) {
        const id = groupId({ route: routeOf(group) }, ['route']);
        history(Number(insertTerm.run(groupTermKey(totalTerm(index), id)).lastInsertRowid), Number(insertTerm.run(groupTermKey(badTerm(index), id)).lastInsertRowid), 1, index + group);
        for (const code of ['200', '500']) series.run(JSON.stringify([['__name__', 'http_requests_total'], ['code', code], ['job', `svc-${index}`], ['route', routeOf(group)]]), NOW - 15_000, 1e6);
      }
    }
  })();
  store.close();
}

function gc(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

function heapOf(usage: NodeJS.MemoryUsage): number {
  return usage.heapUsed + usage.arrayBuffers;
}

/** What one engine costs: building it from the store (restore), its memory, and 11 measured ticks. */
interface EngineRun {
  readonly engine: Engine;
  readonly clock: number;
  readonly restoreMs: number;
  readonly restoreCpuMs: number;
  readonly rssBefore: number;
  readonly rssAfter: number;
  /** JS heap plus array buffers (the engine's bucket rings), after a GC: the engine's own share, without SQLite's cache. */
  readonly heapBefore: number;
  readonly heapAfter: number;
  readonly tickRuns: number[];
  readonly tickCpuRuns: number[];
  readonly foldCpuRuns: number[];
  /** The counters' last values, per SLO (and route) and code: what later appends continue from. */
  readonly counters: Float64Array;
}

/**
 * Builds the engine on a seeded store (restore), then ticks every 30 s of test clock for 6 minutes, with a minute of
 * traffic for every series (every SLO's, or with `groups` every route's of every SLO) appended between ticks.
 */
async function restoreAndTick(store: SqliteStore, specs: SpecSet, groups: number): Promise<EngineRun> {
  const slos = specs.slos.length;
  gc();
  const rssBefore = process.memoryUsage().rss;
  const heapBefore = heapOf(process.memoryUsage());
  const restoreStarted = performance.now();
  const restoreCpu = process.cpuUsage();
  let clock = NOW;
  const engine = new Engine({ specs, store: store.engine, documents: store.documents, journal: store.journal, clock: () => clock, fineKeep: FINE_KEEP });
  const restoreMs = performance.now() - restoreStarted;
  const restoreCpuUsed = process.cpuUsage(restoreCpu);
  const restoreCpuMs = (restoreCpuUsed.user + restoreCpuUsed.system) / 1000;
  gc();
  const rssAfter = process.memoryUsage().rss;
  const heapAfter = heapOf(process.memoryUsage());
  console.log(`engine (${slos} SLOs${groups > 0 ? ` × ${groups} groups` : ''}) restored from the store in ${(restoreMs / 1000).toFixed(1)} s (${(restoreCpuMs / 1000).toFixed(1)} s of CPU)`);

  const tickRuns: number[] = [];
  const tickCpuRuns: number[] = [];
  const foldCpuRuns: number[] = [];
  const routes = groups > 0 ? Array.from({ length: groups }, (_, group) => routeOf(group)) : [undefined];
  const counters = new Float64Array(slos * routes.length * 2).fill(1e6);
  for (let tick = 0; tick < 12; tick++) {
    clock = NOW + tick * 30_000;
    if (tick % 2 === 0) {
      const batch: IncomingSeries[] = [];
      for (let index = 0; index < slos; index++) {
        routes.forEach((route, group) => {
          const at = (index * routes.length + group) * 2;
          counters[at] = counters[at]! + 1000;
          counters[at + 1] = counters[at + 1]! + ((index + group) % 3);
          const labels = { __name__: 'http_requests_total', job: `svc-${index}`, ...(route === undefined ? {} : { route }) };
          batch.push({ labels: { ...labels, code: '200' }, timestamps: [clock], values: [counters[at]] });
          batch.push({ labels: { ...labels, code: '500' }, timestamps: [clock], values: [counters[at + 1]!] });
        });
      }
      engine.append(batch, 'remote_write');
      // The evaluation folds the bucket log first; timed apart so the tick figure is the evaluation alone.
      const foldCpu = process.cpuUsage();
      store.engine.fold();
      const folded = process.cpuUsage(foldCpu);
      foldCpuRuns.push((folded.user + folded.system) / 1000);
    }
    const cpu = process.cpuUsage();
    const report = await engine.evaluate(clock);
    const used = process.cpuUsage(cpu);
    if (tick > 0) {
      tickRuns.push(report.durationMs);
      tickCpuRuns.push((used.user + used.system) / 1000);
    }
    if (report.statuses.length !== slos) throw new Error(`expected ${slos} statuses, got ${report.statuses.length}`);
    // Every group evaluated, or the grouped figures would measure less work than they claim.
    if ((report.groups?.length ?? 0) !== slos * groups) throw new Error(`expected ${slos * groups} group statuses, got ${report.groups?.length ?? 0}`);
  }
  return { engine, clock, restoreMs, restoreCpuMs, rssBefore, rssAfter, heapBefore, heapAfter, tickRuns, tickCpuRuns, foldCpuRuns, counters };
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'sloe-bench-eval-'));
  try {
    const path = join(dir, 'sloe.db');
    const started = Date.now();
    seed(path, SLOS);
    console.log(`seeded ${SLOS} SLOs with 30 days of buckets in ${((Date.now() - started) / 1000).toFixed(1)} s`);

    // Disk: the engine's layout, and a baseline that keeps 1-minute buckets for 30 days (a sample of SLOs).
    const store = openSqliteStore(path, { fineKeep: FINE_KEEP });
    const bytesPerSlo = store.sizeOnDisk() / SLOS;
    const sample = Math.min(SLOS, 20);
    const baselinePath = join(dir, 'minute-buckets.db');
    seed(baselinePath, sample, 30);
    const baselineStore = openSqliteStore(baselinePath);
    const baselineBytesPerSlo = baselineStore.sizeOnDisk() / sample;
    baselineStore.close();

    const plain = await restoreAndTick(store, { services: [], slos: Array.from({ length: SLOS }, (_, index) => sloFor(index)), policies: [] }, 0);
    const { engine, restoreMs, restoreCpuMs, rssBefore, rssAfter, tickRuns, tickCpuRuns, foldCpuRuns, counters } = plain;
    let clock = plain.clock;
    const sampleStatus = engine.get('slo-1')!;
    console.log(`slo-1: sli ${sampleStatus.sli?.toFixed(6)}, remaining ${sampleStatus.errorBudget.remaining?.toFixed(4)}, burn 1h ${sampleStatus.burnRates['1h']?.toFixed(3)}`);

    // Baseline tick: every window of every SLO re-summed from the buckets in SQL (what incremental sums avoid).
    const sumCoarse = store.db.prepare('SELECT COALESCE(SUM(value), 0) AS v FROM buckets_coarse WHERE term_id = (SELECT id FROM terms WHERE key = ?) AND t >= ? AND t < ?');
    const sumFine = store.db.prepare('SELECT COALESCE(SUM(value), 0) AS v FROM buckets_fine WHERE term_id = (SELECT id FROM terms WHERE key = ?) AND t >= ? AND t < ?');
    const windows = [5 * MINUTE, 30 * MINUTE, HOUR, 2 * HOUR, 6 * HOUR, DAY, 3 * DAY, PERIOD];
    const naiveRuns: number[] = [];
    const naiveCpuRuns: number[] = [];
    for (let run = 0; run < 3; run++) {
      const t0 = performance.now();
      const cpu = process.cpuUsage();
      let checksum = 0;
      for (let index = 0; index < SLOS; index++) {
        for (const term of [totalTerm(index), badTerm(index)]) {
          for (const window of windows) {
            const statement = window < FINE_KEEP ? sumFine : sumCoarse;
            checksum += (statement.get(term, clock - window, clock + 1) as { v: number }).v;
          }
        }
      }
      naiveRuns.push(performance.now() - t0);
      const used = process.cpuUsage(cpu);
      naiveCpuRuns.push((used.user + used.system) / 1000);
      if (!(checksum > 0)) throw new Error('the naive baseline read nothing');
    }

    // Ingest: 400 requests of 1,000 series each, a tenth of them matched, through append (one transaction each),
    // against applying the same matched samples with one transaction per sample.
    const ingestRuns: number[] = [];
    const ingestCpuRuns: number[] = [];
    const perSampleRuns: number[] = [];
    const perSampleCpuRuns: number[] = [];
    // The first round is a warm-up (new series, JIT); the next three are measured.
    for (let run = 0; run < 4; run++) {
      const requests: IncomingSeries[][] = [];
      for (let request = 0; request < 40; request++) {
        const series: IncomingSeries[] = [];
        clock += 1000;
        for (let i = 0; i < 1000; i++) {
          if (i % 10 === 0) {
            const index = (request * 100 + i / 10) % SLOS;
            counters[index * 2] = counters[index * 2]! + 10;
            series.push({ labels: { __name__: 'http_requests_total', job: `svc-${index}`, code: '200', pod: `p${i % 3}` }, timestamps: [clock], values: [counters[index * 2]!] });
          } else {
            series.push({ labels: { __name__: 'node_cpu_seconds_total', cpu: String(i), mode: 'idle' }, timestamps: [clock], values: [i] });
          }
        }
        requests.push(series);
      }
      const t0 = performance.now();
      const cpu = process.cpuUsage();
      let matched = 0;
      for (const series of requests) matched += engine.append(series, 'remote_write').applied;
      const used = process.cpuUsage(cpu);
      if (run > 0) {
        ingestRuns.push(matched / ((performance.now() - t0) / 1000));
        ingestCpuRuns.push(matched / ((used.user + used.system) / 1e6));
      }
      // Baseline: the same matched samples, each its own append (one transaction and upsert set per sample).
      const singles = requests.flatMap((series) => series.filter((entry) => entry.labels.__name__ === 'http_requests_total'));
      clock += 1000;
      const t1 = performance.now();
      const cpu1 = process.cpuUsage();
      for (const entry of singles.slice(0, 2000)) engine.append([{ ...entry, timestamps: [clock], values: [Number(entry.values[0]) + 1] }], 'remote_write');
      const used1 = process.cpuUsage(cpu1);
      if (run > 0) {
        perSampleRuns.push(Math.min(2000, singles.length) / ((performance.now() - t1) / 1000));
        perSampleCpuRuns.push(Math.min(2000, singles.length) / ((used1.user + used1.system) / 1e6));
      }
    }

    store.close();

    // Grouped: the same number of budgets as GROUPED_SLOS × GROUPS groups, in a store of their own, in this process.
    const groupedPath = join(dir, 'grouped.db');
    const groupedStarted = Date.now();
    seed(groupedPath, GROUPED_SLOS, 0, GROUPS);
    console.log(`seeded ${GROUPED_SLOS} SLOs × ${GROUPS} groups with 30 days of buckets in ${((Date.now() - groupedStarted) / 1000).toFixed(1)} s`);
    const groupedStore = openSqliteStore(groupedPath, { fineKeep: FINE_KEEP });
    const grouped = await restoreAndTick(groupedStore, { services: [], slos: Array.from({ length: GROUPED_SLOS }, (_, index) => sloFor(index, ['route'])), policies: [] }, GROUPS);
    const groupedStatus = grouped.engine.get('slo-1')!;
    const worstGroup = grouped.engine.groups('slo-1')![0]!;
    console.log(`slo-1 (grouped): ${groupedStatus.groupCount} groups, overflow ${groupedStatus.groupsOverflow}; aggregate sli ${groupedStatus.sli?.toFixed(6)}; worst group ${JSON.stringify(worstGroup.group)} remaining ${worstGroup.errorBudget.remaining?.toFixed(4)}`);
    if (groupedStatus.groupCount !== GROUPS) throw new Error(`expected ${GROUPS} groups of slo-1, got ${groupedStatus.groupCount}`);
    groupedStore.close();
    const groupsName = `${GROUPED_SLOS} SLOs × ${GROUPS} groups`;
    const plainName = `${SLOS} plain SLOs`;

    reportFigures('eval', [
      // CPU time is what the tick costs; wall time also counts waiting for a core on a shared machine.
      { name: `evaluation tick CPU time, ${SLOS} SLOs`, unit: 'ms', runs: tickCpuRuns, baselineRuns: naiveCpuRuns, baselineName: 'naive SQL re-sum of every window', target: '< 200 ms', met: median(tickCpuRuns) < 200 },
      { name: `evaluation tick wall time, ${SLOS} SLOs`, unit: 'ms', runs: tickRuns, baselineRuns: naiveRuns, baselineName: 'naive SQL re-sum of every window', target: '< 200 ms', met: median(tickRuns) < 200 },
      { name: `folding a minute of ingest for ${SLOS} SLOs into the buckets (CPU, once a tick)`, unit: 'ms', runs: foldCpuRuns },
      { name: 'restore at start (CPU)', unit: 's', runs: [restoreCpuMs / 1000], baselineRuns: [restoreMs / 1000], baselineName: 'wall time' },
      { name: 'disk per SLO for 30 days', unit: 'bytes', runs: [bytesPerSlo], baselineRuns: [baselineBytesPerSlo], baselineName: '1-minute buckets for 30 days', target: '< 200 KB', met: bytesPerSlo < 200 * 1024 },
      { name: `resident memory with the engine (${SLOS} SLOs)`, unit: 'MB', runs: [rssAfter / 2 ** 20], baselineRuns: [rssBefore / 2 ** 20], baselineName: 'process before the engine' },
      { name: 'ingest per CPU second, matched samples (10 % of 1,000-series requests)', unit: 'samples/s', runs: ingestCpuRuns, baselineRuns: perSampleCpuRuns, baselineName: 'one transaction per sample', target: '> 40,000/s', met: median(ingestCpuRuns) > 40_000 },
      { name: 'ingest wall clock, matched samples (10 % of 1,000-series requests)', unit: 'samples/s', runs: ingestRuns, baselineRuns: perSampleRuns, baselineName: 'one transaction per sample', target: '> 40,000/s', met: median(ingestRuns) > 40_000 },
      { name: `evaluation tick CPU time, ${groupsName}`, unit: 'ms', runs: grouped.tickCpuRuns, baselineRuns: tickCpuRuns, baselineName: plainName },
      { name: `evaluation tick wall time, ${groupsName}`, unit: 'ms', runs: grouped.tickRuns, baselineRuns: tickRuns, baselineName: plainName },
      { name: `folding a minute of ingest into the buckets (CPU), ${groupsName}`, unit: 'ms', runs: grouped.foldCpuRuns, baselineRuns: foldCpuRuns, baselineName: plainName },
      { name: `restore at start (CPU), ${groupsName}`, unit: 's', runs: [grouped.restoreCpuMs / 1000], baselineRuns: [restoreCpuMs / 1000], baselineName: plainName },
      // The engine's own share: heap and array buffers after building it, less before (each after a GC); resident
      // memory moves with SQLite's page cache and what the allocator keeps, so it is shown as well, not compared.
      { name: `memory of the engine (JS heap + buffers), ${groupsName}`, unit: 'MB', runs: [(grouped.heapAfter - grouped.heapBefore) / 2 ** 20], baselineRuns: [(plain.heapAfter - plain.heapBefore) / 2 ** 20], baselineName: plainName },
      { name: `resident memory growth building the engine, ${groupsName}`, unit: 'MB', runs: [(grouped.rssAfter - grouped.rssBefore) / 2 ** 20], baselineRuns: [(rssAfter - rssBefore) / 2 ** 20], baselineName: plainName },
    ]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
