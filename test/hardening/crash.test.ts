/**
 * Crash safety (issue #9): a writer sends remote-write batches with known counts while the test kills the daemon with
 * SIGKILL at random moments, twenty times, restarting it each time. Like Prometheus, the writer resends a batch until
 * it is acknowledged. At the end every acknowledged sample is counted exactly once, and the page that fired before
 * the kills is not sent again.
 */
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compressSync } from 'snappy';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../helpers/ports.js';
import { encodeV1 } from '../ingest/schemas.js';
import { startSloe } from '../helpers/sloe-process.js';
import type { SloeProcess } from '../helpers/sloe-process.js';

const KILLS = Number(process.env.SLOE_CRASH_KILLS ?? 20);
const GOOD_PER_BATCH = 5;
const BAD_PER_BATCH = 5;

const SPEC = `apiVersion: sloe/v1
kind: SLO
metadata:
  name: crash-availability
spec:
  service: crash
  window: 30d
  objectives:
    - targetPercent: 99
  sli:
    ratio:
      bad: sum(rate(crash_requests_total{job="crash",code="500"}[{{.window}}]))
      total: sum(rate(crash_requests_total{job="crash"}[{{.window}}]))
  alerting:
    tiers:
      page-fast:
        for: 0s
`;

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

/**
 * Sends one batch until it is acknowledged (2xx), as Prometheus's remote-write queue does; bounded in time. While
 * `paused()` says so it holds its retries (the group-commit test checks the daemon before anything is resent).
 */
async function sendUntilAcknowledged(url: () => string, body: Buffer, deadline: number, paused: () => boolean = () => false): Promise<void> {
  while (Date.now() < deadline) {
    while (paused() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    try {
      const response = await fetch(`${url()}/api/v1/write`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-protobuf', 'content-encoding': 'snappy', 'x-prometheus-remote-write-version': '0.1.0' },
        body: new Uint8Array(body),
        signal: AbortSignal.timeout(2_000),
      });
      await response.arrayBuffer();
      if (response.status >= 200 && response.status < 300) return;
      if (response.status >= 400 && response.status < 500 && response.status !== 429) throw new Error(`write refused: ${response.status}`);
    } catch (error) {
      if (error instanceof Error && error.message.startsWith('write refused')) throw error;
      // daemon down or restarting: try again
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error('a batch was not acknowledged in time');
}

interface Status {
  events: { good: number; total: number };
  alerts: { severity: string; state: string }[];
  evaluatedAt: string;
}

async function sloStatus(url: string, name = 'crash-availability'): Promise<Status> {
  const response = await fetch(`${url}/api/v1/slos/${name}`);
  return (await response.json()) as Status;
}

async function until<T>(what: string, probe: () => Promise<T>, done: (value: T) => boolean, withinMs: number): Promise<T> {
  const deadline = Date.now() + withinMs;
  let last: T | undefined;
  while (Date.now() < deadline) {
    try {
      last = await probe();
      if (done(last)) return last;
    } catch {
      // not answering yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${what} did not happen within ${withinMs} ms; last seen: ${JSON.stringify(last)}`);
}

describe('SIGKILL during remote-write ingest', () => {
  const cleanup: (() => Promise<void> | void)[] = [];
  afterAll(async () => {
    for (const step of cleanup.reverse()) await step();
  });

  it(`counts every acknowledged sample exactly once across ${KILLS} kills, and does not page again`, { timeout: 420_000 }, async () => {
    const root = mkdtempSync(join(tmpdir(), 'sloe-crash-'));
    mkdirSync(join(root, 'slos'));
    writeFileSync(join(root, 'slos', 'crash.yaml'), SPEC);
    const receiver = await webhookReceiver();
    cleanup.push(() => new Promise<void>((resolve) => receiver.server.close(() => resolve())));
    writeFileSync(
      join(root, 'sloe.yaml'),
      [`slos: [${join(root, 'slos')}]`, `dataDir: ${join(root, 'data')}`, 'evaluationInterval: 1s', 'notifiers:', '  webhooks:', `    - { url: "${receiver.url}", severities: [page] }`, ''].join('\n'),
    );
    const port = await freePort();
    const args = ['--config', join(root, 'sloe.yaml')];
    let sloe: SloeProcess = await startSloe(port, args);
    cleanup.push(() => {
      sloe.child.kill('SIGKILL');
    });
    const url = (): string => sloe.url;
    // Generous: a restart takes about a second on an idle machine, many more on a loaded one.
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
      sloe = await startSloe(port, args);
    }
    writing = false;
    await writer;
    expect(writerFailure).toBeUndefined();
    const acknowledgedBatches = index;

    // Every batch was acknowledged; the first is each series' baseline, so the counted increase is exactly known.
    const expectedTotal = (GOOD_PER_BATCH + BAD_PER_BATCH) * (acknowledgedBatches - 1);
    const expectedGood = GOOD_PER_BATCH * (acknowledgedBatches - 1);
    const final = await until('the last batch to be evaluated', () => sloStatus(sloe.url), (status) => status.events.total >= expectedTotal, 15_000);
    // One more evaluation after it: nothing may arrive twice.
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    const settled = await sloStatus(sloe.url);
    expect({ total: final.events.total, good: final.events.good }).toEqual({ total: expectedTotal, good: expectedGood });
    expect(settled.events).toEqual(final.events);
    // The page survived every restart: still firing, and never sent again.
    expect(settled.alerts.find((alert) => alert.severity === 'page' && alert.state === 'firing')).toBeDefined();
    expect(pages().map((delivery) => delivery.status)).toEqual(['firing']);
  });

  it('acknowledges a request of a group commit only once the group is durable: after a kill, every acknowledged request of 8 concurrent writers is counted', { timeout: 240_000 }, async () => {
    const groupKills = Number(process.env.SLOE_GROUP_KILLS ?? 5);
    const writers = 8;
    const root = mkdtempSync(join(tmpdir(), 'sloe-group-'));
    mkdirSync(join(root, 'slos'));
    writeFileSync(join(root, 'slos', 'group.yaml'), SPEC.replaceAll('crash', 'group'));
    writeFileSync(join(root, 'sloe.yaml'), [`slos: [${join(root, 'slos')}]`, `dataDir: ${join(root, 'data')}`, 'evaluationInterval: 1s', ''].join('\n'));
    const port = await freePort();
    const args = ['--config', join(root, 'sloe.yaml')];
    let sloe: SloeProcess = await startSloe(port, args);
    cleanup.push(() => {
      sloe.child.kill('SIGKILL');
    });
    const url = (): string => sloe.url;
    const deadline = Date.now() + 200_000;
    let paused = false;
    // Per writer: the index of the next batch and of the last one acknowledged. Each writer owns its series (a shard),
    // batch i carries good = 5·i and bad = 5·i; batch 0 is the baseline.
    const next = Array.from({ length: writers }, () => 0);
    const acknowledged = Array.from({ length: writers }, () => -1);
    let lastTimestamp = Date.now();
    const body = (writer: number, index: number): Buffer => {
      lastTimestamp = Math.max(Date.now(), lastTimestamp + 1);
      const labels = { job: 'group', shard: String(writer) };
      return compressSync(
        Buffer.from(
          encodeV1([
            { labels: { __name__: 'group_requests_total', ...labels, code: '200' }, samples: [{ value: GOOD_PER_BATCH * index, timestamp: lastTimestamp }] },
            { labels: { __name__: 'group_requests_total', ...labels, code: '500' }, samples: [{ value: BAD_PER_BATCH * index, timestamp: lastTimestamp }] },
          ]),
        ),
      );
    };
    let writing = true;
    const failures: unknown[] = [];
    const running = Array.from({ length: writers }, async (_, writer) => {
      while (writing) {
        const index = next[writer]!++;
        await sendUntilAcknowledged(url, body(writer, index), deadline, () => paused);
        acknowledged[writer] = index;
      }
    }).map((writer) => writer.catch((error: unknown) => failures.push(error)));
    const countedFromAcknowledged = (): number => acknowledged.reduce((sum, index) => sum + (GOOD_PER_BATCH + BAD_PER_BATCH) * Math.max(0, index), 0);

    let largestGroup = 1;
    for (let kill = 0; kill < groupKills && failures.length === 0; kill++) {
      await new Promise((resolve) => setTimeout(resolve, 300 + Math.random() * 500));
      const metrics = await (await fetch(`${sloe.url}/metrics`)).text();
      const singles = Number(/sloe_ingest_commit_group_requests_bucket\{le="1"\} (\d+)/.exec(metrics)?.[1] ?? 0);
      const groups = Number(/sloe_ingest_commit_group_requests_count (\d+)/.exec(metrics)?.[1] ?? 0);
      if (groups > singles) largestGroup = 2;
      paused = true;
      sloe.child.kill('SIGKILL');
      await sloe.exited();
      // What was acknowledged before the kill; nothing is resent until the restarted daemon has been checked.
      const mustHave = countedFromAcknowledged();
      const restartedAt = Date.now();
      sloe = await startSloe(port, args);
      const status = await until('an evaluation after the restart', () => sloStatus(sloe.url, 'group-availability'), (value) => Date.parse(value.evaluatedAt) >= restartedAt, 15_000);
      expect(status.events.total).toBeGreaterThanOrEqual(mustHave);
      paused = false;
    }
    writing = false;
    await Promise.all(running);
    expect(failures).toEqual([]);
    // Requests did share commits (the test would otherwise not exercise a group).
    expect(largestGroup).toBeGreaterThan(1);
    const expected = countedFromAcknowledged();
    const final = await until('every batch to be evaluated', () => sloStatus(sloe.url, 'group-availability'), (status) => status.events.total >= expected, 15_000);
    expect(final.events).toEqual({ total: expected, good: expected / 2 });
  });
});
