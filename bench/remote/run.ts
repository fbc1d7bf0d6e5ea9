/**
 * bench/remote: N remote SLOs (default 1,000) with 30-day windows against a real Prometheus 2.42 holding their data.
 * - queries per tick, Prometheus CPU per tick and tick wall time of sloe's pull (one per-minute range query per term,
 *   into the ledger), against today's per-window querying (`sum(increase(...[w]))` instant queries for the period and
 *   every alert window, two per window: SourceRemoteCounts) in the same run, ticks alternating;
 * - backfill wall time per SLO-day.
 * Method: Prometheus pinned to core 0 with taskset, this process (sloe, and the load it generates) to core 1. The
 * history is bounded (--hours, default 6, at 1 sample a minute per series, written through Prometheus's remote-write
 * receiver with out-of-order ingestion enabled): the 30-day windows of today's way read only those hours, so its cost
 * here is a lower bound of what 30 days of data would cost. Source CPU is Prometheus's utime + stime (/proc) over the
 * tick. Medians of the alternating runs; the machine's load average is printed.
 * Usage: node --import tsx bench/remote/run.ts [--slos N] [--hours H] [--ticks T]
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { compressSync } from 'snappy';
import type { RemoteSliQuery, Slo, SpecSet } from '../../src/core/index.js';
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

    // sloe: backfill the 30-day periods, timed.
    let now = END;
    const store = openMemoryStore();
    const engine = new Engine({ specs, store: store.engine, documents: store.documents, journal: store.journal, clock: () => now, remote: new SourceRemoteSeries([entry], { fetch: counting }), pullSettings: { ...DEFAULT_PULL_SETTINGS, delayMs: 0, chunkMs: 7 * DAY, queriesPerSecond: 1000 } });
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

    const measure = async (tick: () => Promise<unknown>) => {
      const before = { queries, cpu: cpuSeconds(prometheus.pid), wall: performance.now() };
      await tick();
      return { queries: queries - before.queries, cpu: cpuSeconds(prometheus.pid) - before.cpu, wall: performance.now() - before.wall };
    };
    const pulled: { queries: number; cpu: number; wall: number }[] = [];
    const today: { queries: number; cpu: number; wall: number }[] = [];
    for (let tick = 0; tick < TICKS; tick++) {
      now += MINUTE;
      pulled.push(await measure(() => engine.evaluate(now)));
      today.push(await measure(() => baselineTick(now)));
      console.error(`tick ${tick}: pull ${JSON.stringify(pulled[tick])} today ${JSON.stringify(today[tick])}`);
    }
    await engine.close();
    const terms = 2 * SLOS;
    const cpuRatio = median(today.map((run) => run.cpu)) / Math.max(median(pulled.map((run) => run.cpu)), 0.01);
    reportFigures('remote', [
      { name: `queries per term per tick (${SLOS} SLOs, 30d)`, unit: 'queries', runs: pulled.map((run) => run.queries / terms), baselineRuns: today.map((run) => run.queries / terms), baselineName: 'per-window instant queries', target: '≤ 2', met: median(pulled.map((run) => run.queries / terms)) <= 2 },
      { name: 'source CPU per tick', unit: 's', runs: pulled.map((run) => run.cpu), baselineRuns: today.map((run) => run.cpu), baselineName: 'per-window instant queries', target: '≥ 10× lower', met: cpuRatio >= 10 },
      { name: 'tick wall time', unit: 'ms', runs: pulled.map((run) => run.wall), baselineRuns: today.map((run) => run.wall), baselineName: 'per-window instant queries' },
      { name: 'backfill time per SLO-day', unit: 'ms', runs: [(backfillSeconds * 1000) / (SLOS * 30)] },
    ]);
  } finally {
    await prometheus.stop();
  }
}

await main();
