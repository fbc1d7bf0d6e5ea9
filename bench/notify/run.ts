/**
 * bench/notify: what notifications add to every evaluation, and how fast a receiver's queue delivers.
 * - 10,000 objectives handed to Notifications.evaluated() after each evaluation, all quiet, and with 100 of them
 *   firing steadily, against a bare scan of every tier's state (the least any notifier must do) in the same run;
 * - a burst of 100 incidents firing at once (routing, journal, outbox in SQLite), against 100 bare journal appends;
 * - notifications per second through a receiver's durable queue (the Outbox on delivery/'s DurableQueue, kept in the
 *   SQLite store) to a local webhook receiver, against bare sequential POSTs.
 * Target: evaluated() of 10,000 quiet objectives under 10 % of the engine's 200 ms tick budget (20 ms).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import type { SloStatus } from '../../src/core/index.js';
import { REAL_TIMERS } from '../../src/delivery/index.js';
import { Notifications, Outbox, WebhookNotifier, buildNotification, notifyMetrics } from '../../src/notify/index.js';
import { openSqliteStore } from '../../src/store/index.js';
import { RecordingNotifier, alerting, status } from '../../test/notify/fixtures.js';
import { median, reportFigures } from '../lib.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 15);
const OBJECTIVES = 10_000;
const dir = mkdtempSync(join(tmpdir(), 'sloe-bench-notify-'));
const store = openSqliteStore(join(dir, 'sloe.db'));

function time(work: () => void): number {
  const started = performance.now();
  work();
  return performance.now() - started;
}

let now = Date.UTC(2026, 10, 26, 12);
const notifications = new Notifications({
  notifiers: [new RecordingNotifier('pagerduty', 'pagerduty'), new RecordingNotifier('alertmanager', 'alertmanager', true)],
  store: store.documents,
  journal: store.journal,
  registry: new Registry(),
  alerting: () => alerting(),
  publicUrl: 'http://127.0.0.1:9797',
  resendIntervalMs: 60_000,
});
notifications.start();

const quiet: SloStatus[] = Array.from({ length: OBJECTIVES }, (_, i) => status(`slo-${i}`, {}));
const burning: SloStatus[] = quiet.map((entry, i) => (i % 100 === 0 ? status(`slo-${i}`, { 'page-fast': 'firing' }) : entry));
let sink = 0;
const scan = (statuses: readonly SloStatus[]) => {
  for (const entry of statuses) for (const alert of entry.alerts) if (alert.state === 'firing') sink++;
};

for (let i = 0; i < 5; i++) notifications.evaluated(quiet, (now += 30_000));
const quietRuns: number[] = [];
const scanRuns: number[] = [];
for (let i = 0; i < RUNS; i++) {
  quietRuns.push(time(() => notifications.evaluated(quiet, (now += 30_000))));
  scanRuns.push(time(() => scan(quiet)));
}

const burstRuns: number[] = [];
const steadyRuns: number[] = [];
const appendRuns: number[] = [];
/** Lets the receivers' deliveries (and their journal and outbox writes) settle between evaluations, as in the daemon. */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));
for (let i = 0; i < Math.min(RUNS, 7); i++) {
  burstRuns.push(time(() => notifications.evaluated(burning, (now += 30_000))));
  for (let n = 0; n < 5; n++) await settle();
  for (let n = 0; n < 3; n++) steadyRuns.push(time(() => notifications.evaluated(burning, (now += 30_000))));
  notifications.evaluated(quiet, (now += 30_000));
  await settle();
  appendRuns.push(time(() => {
    for (let n = 0; n < 100; n++) store.journal.append('bench', { at: now, subject: `slo-${n}`, data: { n } });
  }));
}
await notifications.shutdown(1000);

// Delivery throughput to a local receiver.
const server = createServer((req, res) => {
  req.resume();
  req.on('end', () => res.writeHead(204).end());
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
const COUNT = 500;
const sample = buildNotification(status('slo-0', { 'page-fast': 'firing' }), alerting(), { incident: 'slo-0/page', severity: 'page', urgency: 'page', kind: 'burn', state: 'firing', startsAt: now, at: now }, { publicUrl: 'http://x' });
const queueRuns: number[] = [];
const bareRuns: number[] = [];
for (let run = 0; run < 3; run++) {
  const registry = new Registry();
  const outbox = new Outbox({
    notifiers: [new WebhookNotifier({ name: `hook-${run}`, url, secret: 'bench' })],
    store: store.documents,
    journal: store.journal,
    registry,
    metrics: notifyMetrics(registry, () => []),
    timers: REAL_TIMERS,
    logger: pino({ level: 'silent' }),
    queueCapacity: COUNT * 2,
  });
  outbox.start();
  let started = performance.now();
  for (let n = 0; n < COUNT; n++) outbox.dispatch({ ...sample, incident: `slo-${n}/page` }, [`hook-${run}`], now);
  await outbox.flush(60_000);
  queueRuns.push((COUNT / (performance.now() - started)) * 1000);
  await outbox.shutdown(0);
  const body = JSON.stringify({ alert: sample });
  started = performance.now();
  for (let n = 0; n < COUNT; n++) await (await fetch(url, { method: 'POST', body, headers: { 'content-type': 'application/json' } })).text();
  bareRuns.push((COUNT / (performance.now() - started)) * 1000);
}
server.closeAllConnections();
server.close();
store.close();
rmSync(dir, { recursive: true, force: true });

reportFigures('notify', [
  { name: `evaluated(), ${OBJECTIVES.toLocaleString('en-US')} quiet objectives`, unit: 'ms', runs: quietRuns, baselineRuns: scanRuns, baselineName: 'bare scan of tier states', target: '< 20 ms', met: median(quietRuns) < 20 },
  { name: `evaluated(), ${OBJECTIVES.toLocaleString('en-US')} objectives, 100 firing steadily`, unit: 'ms', runs: steadyRuns, baselineRuns: scanRuns, baselineName: 'bare scan of tier states' },
  { name: 'evaluated(), 100 incidents firing at once (2 receivers, journal, outbox)', unit: 'ms', runs: burstRuns, baselineRuns: appendRuns, baselineName: '100 bare journal appends' },
  { name: 'signed webhook deliveries through a durable queue (journal, SQLite)', unit: 'notifications/s', runs: queueRuns, baselineRuns: bareRuns, baselineName: 'bare sequential POSTs' },
]);
void sink;
