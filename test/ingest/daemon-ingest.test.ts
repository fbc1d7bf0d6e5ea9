/** The daemon as wired in src/app: ingest endpoints behind the write token, scrape jobs from the configuration. */
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { compressSync } from 'snappy';
import { afterEach, describe, expect, it } from 'vitest';
import { startDaemon } from '../../src/app/index.js';
import type { Daemon } from '../../src/app/index.js';
import { loadConfig } from '../../src/config/index.js';
import { logSink, sloSpec, workspace } from '../app/daemon-fixture.js';
import { encodeV1 } from './schemas.js';

let daemon: Daemon | undefined;
let target: Server | undefined;
afterEach(async () => {
  await daemon?.stop();
  target?.close();
  daemon = undefined;
});

async function startTarget(): Promise<number> {
  let n = 0;
  target = createServer((_req, res) => {
    n++;
    res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
    res.end(`# TYPE http_requests_total counter\nhttp_requests_total{code="200"} ${990 * n}\nhttp_requests_total{code="500"} ${10 * n}\n`);
  });
  await new Promise<void>((resolve) => target!.listen(0, '127.0.0.1', resolve));
  const address = target.address();
  return typeof address === 'object' && address ? address.port : 0;
}

describe('ingest in the daemon', () => {
  it('serves both write endpoints behind the write token and scrapes the configured targets into the SLO', async () => {
    const space = workspace();
    space.write('shop.yaml', sloSpec('shop-availability', 'shop', 99));
    const port = await startTarget();
    const configFile = join(space.root, 'sloe.yaml');
    writeFileSync(
      configFile,
      `evaluationInterval: 1s\nauth:\n  writeToken: w-token\nscrape:\n  - { job: shop, targets: ["127.0.0.1:${port}"], interval: 200ms, timeout: 150ms }\n`,
    );
    const config = loadConfig({ file: configFile, env: {}, flags: { listen: '127.0.0.1:0', slos: [space.specs], data: space.data, logLevel: 'warn' } });
    daemon = await startDaemon(config, { env: {}, logDestination: logSink().stream });
    const url = daemon.url;

    const body = new Uint8Array(compressSync(encodeV1([{ labels: { __name__: 'other_total', job: 'x' }, samples: [{ value: 1, timestamp: Date.now() }] }])));
    const headers = { 'content-type': 'application/x-protobuf', 'content-encoding': 'snappy' };
    expect((await fetch(`${url}/api/v1/write`, { method: 'POST', body, headers })).status).toBe(401);
    expect((await fetch(`${url}/api/v1/write`, { method: 'POST', body, headers: { ...headers, authorization: 'Bearer w-token' } })).status).toBe(204);
    const otlp = await fetch(`${url}/v1/metrics`, { method: 'POST', body: '{"resourceMetrics":[]}', headers: { 'content-type': 'application/json', authorization: 'Bearer w-token' } });
    expect(otlp.status).toBe(200);
    expect(await otlp.json()).toEqual({});

    // Scrapes every 200 ms, evaluations every second: within a few seconds the SLO has events at a 1 % error ratio.
    const deadline = Date.now() + 10_000;
    let status: { events?: { total: number; good: number }; sli?: number | null } = {};
    while (Date.now() < deadline) {
      status = (await (await fetch(`${url}/api/v1/slos/shop-availability`)).json()) as typeof status;
      if ((status.events?.total ?? 0) >= 2000) break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(status.events?.total).toBeGreaterThanOrEqual(2000);
    expect(status.sli).toBeCloseTo(0.99, 9);
    const metrics = await (await fetch(`${url}/metrics`)).text();
    expect(metrics).toMatch(/sloe_scrapes_total\{job="shop",outcome="success"\} [1-9]/);
    expect(metrics).toMatch(/sloe_ingest_requests_total\{protocol="remote_write",code="204"\} 1/);
  }, 30_000);
});
