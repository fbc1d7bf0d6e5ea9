/**
 * Overload (issue #9): writes far beyond what the daemon can take get 429 with Retry-After and memory stays bounded.
 * (A cardinality explosion of a million new series while the gate keeps answering: overload-cardinality.test.ts.)
 * Each load is bounded in count and time. Latency targets are measured by bench/, not here.
 */
import { describe, expect, it } from 'vitest';
import { REMOTE_WRITE_HEADERS, remoteWriteBody } from '../helpers/remote-write-encoder.js';
import { explodingSeries, overloadDaemon } from './overload-harness.js';

const daemon = overloadDaemon();

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
    while (Date.now() < deadline && (await daemon.metric('sloe_ingest_in_flight_requests')) < 64) await new Promise((resolve) => setTimeout(resolve, 50));
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
    expect((await daemon.write(remoteWriteBody(explodingSeries(0, 10, Date.now() + 1_000)))).status).toBe(204);
    expect((await fetch(`${daemon.url}/healthz`)).status).toBe(200);
  });
});
