/**
 * bench/remote: N remote SLOs (default 1,000) with 30-day windows against a real Prometheus 2.42 holding their data.
 * - queries per tick, Prometheus CPU per tick and tick wall time of sloe's pull, grouped (one `sum by (job)` range query
 *   per query shape for up to `pull.groupSize` SLOs) and per term (one range query per term, `groupSize: 1`: the pull
 *   before grouping), against the per-window querying sloe did first (`sum(increase(...[w]))` instant queries for the
 *   period and every alert window, two per window: SourceRemoteCounts), in the same run, the three kinds of tick
 *   alternating (each pull tick one minute after the last, so both pulls read the same few minutes);
 * - backfill wall time per SLO-day.
 * Method: Prometheus pinned to core 0 with taskset, this process (sloe, and the load it generates) to core 1. The
 * history is bounded (--hours, default 6, at 1 sample a minute per series, written through Prometheus's remote-write
 * receiver with out-of-order ingestion enabled): the 30-day windows of today's way read only those hours, so its cost
 * here is a lower bound of what 30 days of data would cost. Source CPU is Prometheus's utime + stime (/proc) over the
 * tick; sloe's own CPU per tick is process.cpuUsage(). Medians of the alternating runs; the machine's load average is
 * printed with every tick and every figure (on a shared machine the figures are indicative only).
 * Usage: node --import tsx bench/remote/run.ts [--slos N] [--hours H] [--ticks T]
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { compressSync } from 'snappy';
import type { RemoteSeries, RemoteSliQuery, Slo, SpecSet } from '../../src/core/index.js';
import { DAY, MINUTE, tiersForPeriod } from '../../src/core/index.js';
import { DEFAULT_PULL_SETTINGS, Engine } from '../../src/engine/index.js';
import { SourceRemoteCounts, SourceRemoteSeries } from '../../src/source/index.js';
import { openMemoryStore } from '../../src/store/index.js';
import { startPrometheus } from '../../test/ingest/prometheus-process.js';
import { encodeV1 } from '../../test/ingest/schemas.js';
import { median, reportFigures } from '../lib.js';

const arg = (name: string, fallback: number): number => {
  const index = process.argv.indexOf(name);
  return index > 0 ? Number(process.argv[index + 1]) : fallback;
};
const SLOS = arg('--slos', 1000);
const HOURS = arg('--hours', 6);
const TICKS = arg('--ticks', 5);
const PERIOD = 30 * DAY;
const END = Math.floor(Date.now() / MINUTE) * MINUTE;

function sloFor(index: number): Slo {
  const job = `svc-${index}`;
  return {
    name: `slo-${index}`,
    service: job,
    labels: {},
    // `or vector(0)` keeps the SLI outside the embedded subset: it is evaluated by the source.
    sli: { kind: 'ratio', bad: { promql: `sum(rate(http_requests_total{job="${job}",code=~"5.."}[{{.window}}])) or vector(0)` }, total: { promql: `sum(rate(http_requests_total{job="${job}"}[{{.window}}]))` } },
    objectives: [{ key: 'main', target: 0.999 }],
    window: { kind: 'rolling', duration: PERIOD },
    budgetingMethod: 'Occurrences',
    alerting: { name: `Slo${index}`, labels: {}, annotations: {}, tiers: tiersForPeriod(PERIOD), minEvents: 0, keepFiringFor: 0, noDataFor: 0 },
    exclusions: [],
    maintenance: [],
  };
}

function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  // utime and stime are fields 14 and 15 of stat; after "comm) " they are at 11 and 12 (clock ticks, 100 Hz).
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/**
 * What one grouped tick query costs Prometheus as its range grows (the points a tick asks for: 1 new minute, the 4 of
 * the default 3-minute overlap, 16 after missed ticks), against the same answers asked per term: CPU-ms (10 grouped
 * queries or 2 rounds of per-term ones per measurement, for /proc's 10 ms resolution), rounds alternating.
 */
async function queryCosts(url: string, pid: number, at: number, load: () => string): Promise<void> {
  const members = Math.min(SLOS, 200);
  const jobs = Array.from({ length: members }, (_, index) => `svc-${index}`);
  const groupedQuery = `sum by (job) (increase(http_requests_total{code=~"5..",job=~"${jobs.join('|')}"}[1m]))`;
  const ask = async (query: string, steps: number): Promise<void> => {
    const body = new URLSearchParams({ query, start: String((at - (steps - 1) * MINUTE) / 1000), end: String(at / 1000), step: '60s' });
    const response = await fetch(`${url}/api/v1/query_range`, { method: 'POST', body });
    if (!response.ok) throw new Error(`query_range answered ${response.status}: ${await response.text()}`);
    await response.arrayBuffer();
  };
  for (const steps of [1, 4, 16]) {
    const grouped: number[] = [];
    const perTerm: number[] = [];
    for (let rep = 0; rep < 5; rep++) {
      let before = cpuSeconds(pid);
      for (let repeat = 0; repeat < 10; repeat++) await ask(groupedQuery, steps);
      grouped.push(((cpuSeconds(pid) - before) * 1000) / 10);
      before = cpuSeconds(pid);
      for (let repeat = 0; repeat < 2; repeat++) for (const job of jobs) await ask(`sum(increase(http_requests_total{code=~"5..",job="${job}"}[1m]))`, steps);
      perTerm.push(((cpuSeconds(pid) - before) * 1000) / 2);
    }
    console.log(`remote: ${steps}-point range, ${members} SLOs' bad side (load ${load()}): one grouped query ${median(grouped).toFixed(1)} CPU-ms vs ${members} per-term queries ${median(perTerm).toFixed(1)} CPU-ms for the same answers (medians of 5 alternating rounds)`);
  }
}

const pin = (pid: number, core: number): void => void execFileSync('taskset', ['-cp', String(core), String(pid)], { stdio: 'ignore' });

async function main(): Promise<void> {
  console.error(`bench/remote: ${SLOS} SLOs, ${HOURS} h of history, ${TICKS} alternating ticks; load average ${loadavg().map((value) => value.toFixed(2)).join(' ')}`);
  const prometheus = await startPrometheus('global:\n  scrape_interval: 1m\nstorage:\n  tsdb:\n    out_of_order_time_window: 31d\n', ['--web.enable-remote-write-receiver', '--query.max-concurrency=4']);
  pin(prometheus.pid, 0);
  pin(process.pid, 1);
  try {
    // History: two counters per SLO, one sample a minute, written a few SLOs per request.
    const minutes = HOURS * 60;
    for (let first = 0; first < SLOS; first += 20) {
      const series = [];
      for (let index = first; index < Math.min(SLOS, first + 20); index++) {
        for (const [code, perMinute] of [['200', 999], ['500', 1]] as const) {
          series.push({ labels: { __name__: 'http_requests_total', job: `svc-${index}`, code }, samples: Array.from({ length: minutes + 1 }, (_, k) => ({ value: perMinute * k, timestamp: END - (minutes - k) * MINUTE })) });
        }
      }
      const response = await fetch(`${prometheus.url}/api/v1/write`, { method: 'POST', body: new Uint8Array(compressSync(encodeV1(series))), headers: { 'content-type': 'application/x-protobuf', 'content-encoding': 'snappy' } });
      if (response.status !== 204) throw new Error(`remote write answered ${response.status}: ${await response.text()}`);
    }
    const slos = Array.from({ length: SLOS }, (_, index) => sloFor(index));
    const specs: SpecSet = { services: slos.map((slo) => ({ name: slo.service, labels: {} })), slos, policies: [] };
    const entry = { name: 'prom', url: prometheus.url, headers: {}, timeoutMs: 60_000, retries: 1, partialResponse: false };
    let queries = 0;
    const counting = (input: string, init?: RequestInit): Promise<Response> => {
      queries++;
      return fetch(input, init);
    };
    // One engine, one backfill; each pull tick is answered grouped or per term, as the bench chooses.
    const grouped = new SourceRemoteSeries([entry], { fetch: counting });
    const perTerm = new SourceRemoteSeries([entry], { fetch: counting, groupSize: 1 });
    let pullWay: SourceRemoteSeries = grouped;
    const remote: RemoteSeries = {
      queries: (query, stepMs) => grouped.queries(query, stepMs),
      termQuery: (term, stepMs, source) => grouped.termQuery(term, stepMs, source),
      range: (source, promql, start, end, stepMs) => grouped.range(source, promql, start, end, stepMs),
      rangeMany: (source, promqls, start, end, stepMs) => pullWay.rangeMany(source, promqls, start, end, stepMs),
    };

    // sloe: backfill the 30-day periods, timed.
    let now = END;
    const store = openMemoryStore();
    const engine = new Engine({ specs, store: store.engine, documents: store.documents, journal: store.journal, clock: () => now, remote, pullSettings: { ...DEFAULT_PULL_SETTINGS, delayMs: 0, chunkMs: 7 * DAY, queriesPerSecond: 1000 } });
    const backfillStarted = performance.now();
    await engine.fill(now);
    const backfillSeconds = (performance.now() - backfillStarted) / 1000;
    const backfillQueries = queries;
    console.error(`backfill: ${backfillQueries} queries, ${backfillSeconds.toFixed(1)} s for ${SLOS} SLOs × 30 days`);

    // Today's way: every window and the period, good and total, instant queries at the tick.
    const baseline = new SourceRemoteCounts([entry], { fetch: counting });
    const windows = [...new Set(slos[0]!.alerting.tiers.flatMap((tier) => [tier.shortWindow, tier.longWindow]))];
    const baselineTick = async (at: number): Promise<void> => {
      let next = 0;
      const lane = async (): Promise<void> => {
        while (next < slos.length) {
          const slo = slos[next++]!;
          const query: RemoteSliQuery = { slo: slo.name, objective: 'main', sli: slo.sli };
          await Promise.all([PERIOD, ...windows].map((window) => baseline.counts(query, window, at)));
        }
      };
      // The same bounded concurrency as sloe's pull (8 at once).
      await Promise.all(Array.from({ length: 8 }, lane));
    };

    const load = (): string => loadavg().map((value) => value.toFixed(2)).join(' ');
    const measure = async (tick: () => Promise<unknown>) => {
      const before = { queries, cpu: cpuSeconds(prometheus.pid), wall: performance.now(), own: process.cpuUsage() };
      await tick();
      const own = process.cpuUsage(before.own);
      return { queries: queries - before.queries, cpu: cpuSeconds(prometheus.pid) - before.cpu, wall: performance.now() - before.wall, sloeCpu: (own.user + own.system) / 1e6 };
    };
    const pullTick = (way: SourceRemoteSeries) => () => {
      pullWay = way;
      now += MINUTE;
      return engine.evaluate(now);
    };
    type Run = Awaited<ReturnType<typeof measure>>;
    const pulled: Run[] = [];
    const unGrouped: Run[] = [];
    const today: Run[] = [];
    for (let tick = 0; tick < TICKS; tick++) {
      // The order rotates, so no way always runs first after the others.
      const ways: [Run[], () => Promise<unknown>][] = [
        [pulled, pullTick(grouped)],
        [unGrouped, pullTick(perTerm)],
        [today, () => baselineTick(now)],
      ];
      for (let turn = 0; turn < ways.length; turn++) {
        const [runs, tickOnce] = ways[(tick + turn) % ways.length]!;
        runs.push(await measure(tickOnce));
      }
      console.error(`tick ${tick} (load ${load()}): grouped ${JSON.stringify(pulled[tick])} per term ${JSON.stringify(unGrouped[tick])} per window ${JSON.stringify(today[tick])}`);
    }
    await engine.close();
    const total = (runs: Run[], field: 'cpu' | 'sloeCpu') => runs.reduce((sum, run) => sum + run[field], 0);
    // /proc counts CPU in 10 ms ticks, coarser than a grouped tick costs: the totals over all ticks resolve it better.
    console.log(`remote: Prometheus CPU over ${TICKS} ticks (load ${load()}): grouped pull ${total(pulled, 'cpu').toFixed(2)} s, per-term pull ${total(unGrouped, 'cpu').toFixed(2)} s, per-window ${total(today, 'cpu').toFixed(2)} s; per-window / grouped = ${(total(today, 'cpu') / Math.max(total(pulled, 'cpu'), 0.01)).toFixed(0)}x`);
    await queryCosts(prometheus.url, prometheus.pid, now, load);
    const terms = 2 * SLOS;
    const cpuRatio = median(today.map((run) => run.cpu)) / Math.max(median(pulled.map((run) => run.cpu)), 0.01);
    const per = (runs: Run[], field: keyof Run, scale = 1) => runs.map((run) => run[field] * scale);
    reportFigures('remote', [
      { name: `queries per term per tick (${SLOS} SLOs, 30d)`, unit: 'queries', runs: per(pulled, 'queries', 1 / terms), baselineRuns: per(today, 'queries', 1 / terms), baselineName: 'per-window instant queries', target: '≤ 2', met: median(per(pulled, 'queries', 1 / terms)) <= 2 },
      { name: 'source CPU per tick', unit: 's', runs: per(pulled, 'cpu'), baselineRuns: per(today, 'cpu'), baselineName: 'per-window instant queries', target: '≥ 10× lower', met: cpuRatio >= 10 },
      { name: 'tick wall time', unit: 'ms', runs: per(pulled, 'wall'), baselineRuns: per(today, 'wall'), baselineName: 'per-window instant queries' },
      { name: 'queries per tick, grouped pull', unit: 'queries', runs: per(pulled, 'queries'), baselineRuns: per(unGrouped, 'queries'), baselineName: 'per-term pull' },
      { name: 'source CPU per tick, grouped pull', unit: 's', runs: per(pulled, 'cpu'), baselineRuns: per(unGrouped, 'cpu'), baselineName: 'per-term pull' },
      { name: 'tick wall time, grouped pull', unit: 'ms', runs: per(pulled, 'wall'), baselineRuns: per(unGrouped, 'wall'), baselineName: 'per-term pull' },
      { name: 'sloe CPU per tick, grouped pull', unit: 's', runs: per(pulled, 'sloeCpu'), baselineRuns: per(unGrouped, 'sloeCpu'), baselineName: 'per-term pull' },
      { name: 'backfill time per SLO-day', unit: 'ms', runs: [(backfillSeconds * 1000) / (SLOS * 30)] },
    ]);
    console.log(`remote: load average at the end ${load()} (2 cores shared; every figure above is indicative only)`);
  } finally {
    await prometheus.stop();
  }
}

await main();
