/**
 * Overload (issue #9): writes far beyond what the daemon can take get 429 with Retry-After and memory stays bounded;
 * a cardinality explosion of a million new series is capped and reported, not fatal; and the gate keeps answering
 * while ingest is saturated. Each load is bounded in count and time. Latency targets are measured by bench/, not here.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDaemon } from '../../src/app/index.js';
import type { Daemon } from '../../src/app/index.js';
import { logSink, sloSpec, workspace } from '../app/daemon-fixture.js';
import { REMOTE_WRITE_HEADERS, remoteWriteBody } from '../helpers/remote-write-encoder.js';
import type { FastSeries } from '../helpers/remote-write-encoder.js';

let daemon: Daemon;

beforeAll(async () => {
  const space = workspace();
  space.write('shop.yaml', sloSpec('shop-availability', 'shop'));
  daemon = await startDaemon(space.config(), { env: {}, logDestination: logSink().stream });
});

afterAll(async () => {
  await daemon.stop();
});

async function write(body: Buffer): Promise<Response> {
  const response = await fetch(`${daemon.url}/api/v1/write`, { method: 'POST', headers: REMOTE_WRITE_HEADERS, body: new Uint8Array(body) });
  await response.arrayBuffer();
  return response;
}

async function metric(series: string): Promise<number> {
  const text = await (await fetch(`${daemon.url}/metrics`)).text();
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${series} `));
  return line === undefined ? 0 : Number(line.slice(series.length + 1));
}

/** Series of the SLO's counter with a label no one bounded: every series is new. */
function explodingSeries(from: number, count: number, timestamp: number): FastSeries[] {
  return Array.from({ length: count }, (_, offset) => ({
    labels: [
      ['__name__', 'http_requests_total'],
      ['code', '200'],
      ['job', 'shop'],
      ['user_id', `u${from + offset}`],
    ] as const,
    value: 1,
    timestamp,
  }));
}

function rssMiB(): number {
  return process.memoryUsage().rss / 2 ** 20;
}

describe('overload', () => {
  it('answers senders beyond its in-flight bound with 429 and Retry-After, then carries on', { timeout: 120_000 }, async () => {
    const body = remoteWriteBody(explodingSeries(0, 2_000, Date.now()));
    const half = Math.floor(body.length / 2);
    let release: () => void = () => undefined;
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    const before = rssMiB();
    // 400 senders start their uploads at once and finish them only when the test says: several times what the
    // admission bound (64 requests in flight) lets in, all in flight together, as slow senders on a busy network are.
    const answers = Array.from({ length: 400 }, () => {
      const stream = new ReadableStream<Uint8Array>({
        async start(controller) {
          controller.enqueue(new Uint8Array(body.subarray(0, half)));
          await released;
          controller.enqueue(new Uint8Array(body.subarray(half)));
          controller.close();
        },
      });
      return fetch(`${daemon.url}/api/v1/write`, { method: 'POST', headers: REMOTE_WRITE_HEADERS, body: stream, duplex: 'half' } as RequestInit).then(
        async (response) => {
          await response.arrayBuffer();
          return { status: response.status, retryAfter: response.headers.get('retry-after') };
        },
        (error: unknown) => ({ status: 0, retryAfter: null, error: String(error) }),
      );
    });
    // Let every upload reach the daemon, then let them all finish.
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline && (await metric('sloe_ingest_in_flight_requests')) < 64) await new Promise((resolve) => setTimeout(resolve, 50));
    await new Promise((resolve) => setTimeout(resolve, 500));
    release();
    const settled = await Promise.all(answers);
    const statuses = new Set(settled.map((answer) => answer.status));
    const refused = settled.filter((answer) => answer.status === 429);
    expect([...statuses].every((status) => status === 204 || status === 429), `statuses: ${[...statuses].join(', ')}`).toBe(true);
    expect(refused.length).toBeGreaterThan(0);
    expect(settled.filter((answer) => answer.status === 204).length).toBeGreaterThan(0);
    expect(refused.every((answer) => answer.retryAfter !== null && Number(answer.retryAfter) >= 1)).toBe(true);
    // Bounded: refused bodies are not kept; growth stays well below the 400 × decoded size the senders offered.
    expect(rssMiB() - before).toBeLessThan(400);
    // And it carries on: the next write, after the burst, is taken.
    expect((await write(remoteWriteBody(explodingSeries(0, 10, Date.now() + 1_000)))).status).toBe(204);
    expect((await fetch(`${daemon.url}/healthz`)).status).toBe(200);
  });

  it('caps a million new series for one SLI and reports the drops, and the gate keeps answering', { timeout: 300_000 }, async () => {
    const droppedBefore = await metric('sloe_ingest_dropped_samples_total{protocol="remote_write",reason="cardinality_limit"}');
    const total = 1_000_000;
    const perRequest = 10_000;
    const timestamp = Date.now() + 2_000;
    let gateAnswers = 0;
    let gateFailures = 0;
    let flooding = true;
    // The gate is asked throughout the flood; every answer must come, and be a verdict.
    const gate = (async () => {
      while (flooding) {
        try {
          const response = await fetch(`${daemon.url}/api/v1/gates/shop`, { signal: AbortSignal.timeout(5_000) });
          const verdict = (await response.json()) as { decision?: string };
          if (response.status === 200 && typeof verdict.decision === 'string') gateAnswers++;
          else gateFailures++;
        } catch {
          gateFailures++;
        }
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    })();
    const statuses = new Map<number, number>();
    for (let from = 0; from < total; from += perRequest) {
      const status = (await write(remoteWriteBody(explodingSeries(1_000_000 + from, perRequest, timestamp)))).status;
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
    }
    flooding = false;
    await gate;
    // Every request was taken (the cap drops series, it does not refuse senders, who would only retry them).
    expect(Object.fromEntries(statuses)).toEqual({ 204: total / perRequest });
    const dropped = (await metric('sloe_ingest_dropped_samples_total{protocol="remote_write",reason="cardinality_limit"}')) - droppedBefore;
    // The per-term limit is 10,000 series; the earlier test's 2,000 series already count against it.
    expect(dropped).toBeGreaterThan(total - 10_000);
    expect(dropped).toBeLessThanOrEqual(total);
    expect(gateAnswers).toBeGreaterThan(0);
    expect(gateFailures).toBe(0);
    const slo = (await (await fetch(`${daemon.url}/api/v1/slos/shop-availability`)).json()) as { name: string };
    expect(slo.name).toBe('shop-availability');
  });
});
