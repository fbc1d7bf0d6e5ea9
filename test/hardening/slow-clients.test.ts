/**
 * Slow and idle clients (issue #21): 1,000 connections trickle their request headers a byte at a time (a slowloris)
 * while the gate is asked every 20 ms and remote write keeps writing. The trickling sockets are closed once the
 * header time-out passes (before this change they were held for ever), and the gate's p99 stays bounded meanwhile.
 * Bounded: 1,000 sockets, about 8 s.
 */
import { connect } from 'node:net';
import type { Socket } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { startDaemon } from '../../src/app/index.js';
import type { Daemon } from '../../src/app/index.js';
import { logSink, sloSpec, workspace } from '../app/daemon-fixture.js';
import { REMOTE_WRITE_HEADERS, remoteWriteBody } from '../helpers/remote-write-encoder.js';

const SLOW_CLIENTS = 1_000;
let daemon: Daemon | undefined;
const sockets: Socket[] = [];

afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  await daemon?.stop();
});

function percentile(values: number[], share: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(share * sorted.length) - 1)] ?? Number.NaN;
}

describe('slow clients', () => {
  it('closes 1,000 trickling connections at the header time-out while the gate and remote write keep answering', { timeout: 60_000 }, async () => {
    const space = workspace();
    space.write('shop.yaml', sloSpec('shop-availability', 'shop'));
    const config = space.config({}, {});
    daemon = await startDaemon({ ...config, server: { ...config.server, headersTimeout: '2s', headersTimeoutMs: 2_000 } }, { env: {}, logDestination: logSink().stream });
    const { port } = new URL(daemon.url);

    let closed = 0;
    const openedAt = Date.now();
    const closedAfter: number[] = [];
    await Promise.all(
      Array.from({ length: SLOW_CLIENTS }, () =>
        new Promise<void>((resolve) => {
          const socket = connect(Number(port), '127.0.0.1', () => {
            socket.write('POST /api/v1/write HTTP/1.1\r\nHost: sloe\r\nX-Slow: ');
            resolve();
          });
          socket.on('error', () => undefined);
          socket.on('close', () => {
            closed++;
            closedAfter.push(Date.now() - openedAt);
          });
          sockets.push(socket);
        }),
      ),
    );
    // A byte every second: each socket always looks alive, never finishes its headers.
    const trickle = setInterval(() => {
      for (const socket of sockets) if (!socket.destroyed) socket.write('a');
    }, 1_000);

    const latencies: number[] = [];
    const statuses = new Map<number, number>();
    let writes = 0;
    const until = Date.now() + 6_000;
    const start = Date.now() - 60_000;
    while (Date.now() < until) {
      const began = performance.now();
      const response = await fetch(`${daemon.url}/api/v1/gates/shop`, { signal: AbortSignal.timeout(5_000) });
      await response.arrayBuffer();
      latencies.push(performance.now() - began);
      statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
      if (latencies.length % 10 === 0) {
        const body = remoteWriteBody([{ labels: [['__name__', 'http_requests_total'], ['code', '200'], ['job', 'shop']], value: writes, timestamp: start + writes * 100 }]);
        const written = await fetch(`${daemon.url}/api/v1/write`, { method: 'POST', headers: REMOTE_WRITE_HEADERS, body: new Uint8Array(body) });
        await written.arrayBuffer();
        expect(written.status).toBe(204);
        writes++;
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    clearInterval(trickle);
    const p50 = percentile(latencies, 0.5);
    const p99 = percentile(latencies, 0.99);
    console.log(`slow clients: ${SLOW_CLIENTS} trickling; gate ${latencies.length} requests, p50 ${p50.toFixed(1)} ms, p99 ${p99.toFixed(1)} ms; ${writes} writes; closed ${closed} (median after ${percentile(closedAfter, 0.5)} ms)`);
    expect(Object.fromEntries(statuses)).toEqual({ 200: latencies.length });
    expect(writes).toBeGreaterThan(0);
    // The test's own 1,000 sockets share this process's event loop with the daemon, and all of them are closed in one
    // sweep of the time-out check: p99 measured here was 1.1 to 2.4 s (p50 4 to 9 ms) on 2 cores shared with other
    // jobs; bounded at 3 s. Before, nothing closed them at all.
    expect(p50).toBeLessThan(100);
    expect(p99).toBeLessThan(3_000);
    // Every trickling socket was closed by the server after the 2 s header time-out (plus its checking interval and
    // the time to close 1,000 sockets on a busy machine).
    expect(closed).toBe(SLOW_CLIENTS);
    expect(percentile(closedAfter, 1)).toBeLessThan(8_000);
  });
});
