/**
 * Crash safety (issue #9): a writer sends remote-write batches with known counts while the test kills the daemon with
 * SIGKILL at random moments, twenty times, restarting it each time. Like Prometheus, the writer resends a batch until
 * it is acknowledged. At the end every acknowledged sample is counted exactly once, and the page that fired before
 * the kills is not sent again. (Group commits under concurrent writers: crash-group-commit.test.ts.)
 */
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import { compressSync } from 'snappy';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt } from '../helpers/build.js';
import { freePort } from '../helpers/ports.js';
import { encodeV1 } from '../ingest/schemas.js';
import { startSloe } from '../helpers/sloe-process.js';
import type { SloeProcess } from '../helpers/sloe-process.js';
import { BAD_PER_BATCH, GOOD_PER_BATCH, READY_WITHIN_MS, crashWorkspace, sendUntilAcknowledged, sloStatus, until } from './crash-harness.js';

const KILLS = Number(process.env.SLOE_CRASH_KILLS ?? 20);
const SLO = 'crash-availability';

interface WebhookDelivery {
  status: string;
  alert: { slo: string; severity: string; kind: string; state: string };
}

/** A webhook receiver that records what sloe sends. */
async function webhookReceiver(): Promise<{ url: string; deliveries: WebhookDelivery[]; server: Server }> {
  const deliveries: WebhookDelivery[] = [];
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      deliveries.push(JSON.parse(body) as WebhookDelivery);
      response.writeHead(200).end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return { url: `http://127.0.0.1:${port}/hook`, deliveries, server };
}

/** Batch i: cumulative counters, good = 5·i, bad = 5·i, at strictly increasing timestamps. */
function batchBody(index: number, timestamp: number): Buffer {
  const series = [
    { labels: { __name__: 'crash_requests_total', job: 'crash', code: '200' }, samples: [{ value: GOOD_PER_BATCH * index, timestamp }] },
    { labels: { __name__: 'crash_requests_total', job: 'crash', code: '500' }, samples: [{ value: BAD_PER_BATCH * index, timestamp }] },
  ];
  return compressSync(Buffer.from(encodeV1(series)));
}

describe('SIGKILL during remote-write ingest', () => {
  const cleanup: (() => Promise<void> | void)[] = [];
  beforeAll(() => ensureBuilt(), 180_000);
  afterAll(async () => {
    for (const step of cleanup.reverse()) await step();
  });

  it(`counts every acknowledged sample exactly once across ${KILLS} kills, and does not page again`, { timeout: 420_000 }, async () => {
    const receiver = await webhookReceiver();
    cleanup.push(() => new Promise<void>((resolve) => receiver.server.close(() => resolve())));
    const args = crashWorkspace('crash', ['notifiers:', '  webhooks:', `    - { url: "${receiver.url}", severities: [page] }`]);
    const port = await freePort();
    let sloe: SloeProcess = await startSloe(port, args, READY_WITHIN_MS);
    cleanup.push(() => {
      sloe.child.kill('SIGKILL');
    });
    const url = (): string => sloe.url;
    const deadline = Date.now() + 360_000;

    // Phase 1: burn at 50 % errors (burn rate 50 against 99 %) until the page has fired and reached the webhook.
    let index = 0;
    let lastTimestamp = 0;
    const nextBatch = (): Buffer => {
      lastTimestamp = Math.max(Date.now(), lastTimestamp + 1);
      return batchBody(index++, lastTimestamp);
    };
    for (let i = 0; i < 5; i++) await sendUntilAcknowledged(url, nextBatch(), deadline);
    const pages = (): WebhookDelivery[] => receiver.deliveries.filter((delivery) => delivery.alert.severity === 'page' && delivery.alert.kind === 'burn');
    await until('the page', async () => {
      await sendUntilAcknowledged(url, nextBatch(), deadline);
      return pages().length;
    }, (count) => count >= 1, 30_000);
    expect(pages().map((delivery) => delivery.status)).toEqual(['firing']);

    // Phase 2: keep writing while the daemon is killed at random moments and restarted.
    let writing = true;
    let writerFailure: unknown;
    const writer = (async () => {
      while (writing) await sendUntilAcknowledged(url, nextBatch(), deadline);
    })().catch((error: unknown) => {
      writerFailure = error;
    });
    for (let kill = 0; kill < KILLS && writerFailure === undefined; kill++) {
      await new Promise((resolve) => setTimeout(resolve, 100 + Math.random() * 400));
      sloe.child.kill('SIGKILL');
      await sloe.exited();
      sloe = await startSloe(port, args, READY_WITHIN_MS);
    }
    writing = false;
    await writer;
    expect(writerFailure).toBeUndefined();
    const acknowledgedBatches = index;

    // Every batch was acknowledged; the first is each series' baseline, so the counted increase is exactly known.
    const expectedTotal = (GOOD_PER_BATCH + BAD_PER_BATCH) * (acknowledgedBatches - 1);
    const expectedGood = GOOD_PER_BATCH * (acknowledgedBatches - 1);
    const final = await until('the last batch to be evaluated', () => sloStatus(sloe.url, SLO), (status) => status.events.total >= expectedTotal, 15_000);
    // One more evaluation after it (waited for, not slept for): nothing may arrive twice.
    const settled = await until('the next evaluation', () => sloStatus(sloe.url, SLO), (status) => Date.parse(status.evaluatedAt) > Date.parse(final.evaluatedAt), 15_000);
    expect({ total: final.events.total, good: final.events.good }).toEqual({ total: expectedTotal, good: expectedGood });
    expect(settled.events).toEqual(final.events);
    // The page survived every restart: still firing, and never sent again.
    expect(settled.alerts.find((alert) => alert.severity === 'page' && alert.state === 'firing')).toBeDefined();
    expect(pages().map((delivery) => delivery.status)).toEqual(['firing']);
  });
});
