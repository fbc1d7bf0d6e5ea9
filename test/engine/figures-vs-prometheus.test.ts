import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HOUR } from '../../src/core/index.js';
import type { IncomingSeries, SloStatus } from '../../src/core/index.js';
import { REMOTE_WRITE_HEADERS, remoteWriteBody } from '../helpers/remote-write-encoder.js';
import type { FastSeries } from '../helpers/remote-write-encoder.js';
import { startPrometheus } from '../ingest/prometheus-process.js';
import type { PrometheusProcess } from '../ingest/prometheus-process.js';
import { REQUESTS, harness, makeSlo, specsOf } from './fixtures.js';

/*
 * sloe's burn rates against a real Prometheus 2.42 fed the very same samples through its remote-write receiver.
 *
 * The Prometheus side uses a query that is exact: `sum(x) - sum(x offset w)` at time t is, for counters without resets
 * whose series exist at both instants, the sum of every increase whose sample lies in (t - w, t] — the last sample at
 * or before t minus the last at or before t - w. That is precisely what sloe counts.
 *
 * `increase(x[w])` is NOT used, and differs from both: it takes only the samples inside the window,
 * so it misses the increase between the last sample before the window and the first inside it, and then extrapolates
 * the rest linearly towards the window's edges (by up to 1.1 average intervals). That is a rate estimate, good for
 * graphs; as a count it is wrong in both directions, and consecutive windows do not add up to the whole. sloe counts
 * every increase exactly once, in the window its sample falls in, so 12 five-minute windows make the hour exactly, an
 * error budget is spent by the events that actually happened, and the figure agrees with Prometheus's exact query.
 */

const START = Date.UTC(2026, 10, 22);
const HOURS = 8;
/** Scrapes every 30 s, 7 s past the half minute, so samples are never exactly on a window's edge. */
const INTERVAL = 30_000;
const SERIES = [
  { code: '200', perScrape: (i: number) => 480 + ((i * 37) % 90) },
  { code: '201', perScrape: (i: number) => 20 + ((i * 11) % 7) },
  { code: '500', perScrape: (i: number) => ((i * 13) % 17 === 0 ? 40 : (i * 7) % 3) },
  { code: '503', perScrape: (i: number) => (Math.floor(i / 60) % 3 === 1 ? (i % 5) + 2 : 0) },
] as const;

let prometheus: PrometheusProcess;
const statuses = new Map<number, SloStatus>();
// Every instant is more than 6 h in, so each series has a sample before every window (no first-sample baseline inside one).
const INSTANTS = [6.5, 7, 7.25, 8].map((hours) => START + hours * HOUR);

beforeAll(async () => {
  prometheus = await startPrometheus('global: { scrape_interval: 1m }\n', ['--web.enable-remote-write-receiver']);
  const { engine, clock } = harness(specsOf(makeSlo({})), START);
  const values = SERIES.map(() => 0);
  const scrapes = (HOURS * HOUR) / INTERVAL;
  let batch: FastSeries[] = [];
  const flush = async (): Promise<void> => {
    if (batch.length === 0) return;
    const response = await fetch(`${prometheus.url}/api/v1/write`, { method: 'POST', headers: REMOTE_WRITE_HEADERS, body: new Uint8Array(remoteWriteBody(batch)) });
    if (response.status !== 204) throw new Error(`Prometheus refused remote write: ${response.status} ${await response.text()}`);
    batch = [];
  };
  for (let scrape = 0; scrape <= scrapes; scrape++) {
    const t = START + scrape * INTERVAL + 7_000;
    clock.now = t;
    const incoming: IncomingSeries[] = [];
    SERIES.forEach((series, index) => {
      values[index]! += scrape === 0 ? 1000 : series.perScrape(scrape);
      incoming.push({ labels: { __name__: REQUESTS, code: series.code, job: 'api' }, timestamps: [t], values: [values[index]!] });
      batch.push({ labels: [['__name__', REQUESTS], ['code', series.code], ['job', 'api']], value: values[index]!, timestamp: t });
    });
    engine.append(incoming, 'remote_write');
    // Prometheus takes each series' samples in time order: a request per few scrapes keeps it so.
    if (batch.length >= 400) await flush();
    // sloe evaluates at an instant once every sample up to it has arrived, before any later one has.
    const due = INSTANTS.find((instant) => instant >= t && instant < t + INTERVAL);
    if (due !== undefined) {
      clock.now = due;
      statuses.set(due, (await engine.evaluate(due)).statuses[0]!);
    }
  }
  await flush();
}, 90_000);

afterAll(async () => {
  await prometheus?.stop();
});

/** Exact events in (t - w, t] from Prometheus: the last sample at t less the last at t - w, summed over series. */
async function exactIncrease(selector: string, window: string, at: number): Promise<number> {
  const result = await prometheus.query(`sum(${selector}) - sum(${selector} offset ${window})`, at);
  const value = result.result[0]?.value[1];
  if (value === undefined) throw new Error(`no result for ${selector} over ${window} at ${new Date(at).toISOString()}`);
  return Number(value);
}

describe('burn rates: sloe against Prometheus 2.42 fed the same samples', () => {
  it.each(INSTANTS.flatMap((at) => ['5m', '30m', '1h', '6h'].map((window) => [new Date(at).toISOString(), window, at] as const)))('at %s over %s', async (_iso, window, at) => {
    const status = statuses.get(at);
    expect(status, 'sloe evaluated at this instant').toBeDefined();
    const total = await exactIncrease(`${REQUESTS}{job="api"}`, window, at);
    const bad = await exactIncrease(`${REQUESTS}{job="api",code=~"5.."}`, window, at);
    expect(total).toBeGreaterThan(0);
    const expected = bad / total / 0.001;
    const ours = status!.burnRates[window]!;
    expect(Math.abs(ours - expected) / expected, `sloe ${ours}, Prometheus ${expected}`).toBeLessThan(0.001);
  });
});
