/**
 * A real Prometheus 2.42 remote-writing into the daemon as assembled, with a write token set: `basic_auth` (the token
 * as password) and `authorization` (Bearer) both get their samples into the SLO; a wrong password gets none in.
 */
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { startDaemon } from '../../src/app/index.js';
import type { Daemon } from '../../src/app/index.js';
import { loadConfig } from '../../src/config/index.js';
import { logSink, sloSpec, workspace } from '../app/daemon-fixture.js';
import { startPrometheus } from '../ingest/prometheus-process.js';
import type { PrometheusProcess } from '../ingest/prometheus-process.js';

const WRITE_TOKEN = 'rw-s3cret';
const daemons: Daemon[] = [];
let prometheus: PrometheusProcess | undefined;
let target: Server | undefined;

afterAll(async () => {
  await prometheus?.stop();
  for (const daemon of daemons) await daemon.stop();
  target?.close();
});

async function startTarget(): Promise<number> {
  let scrapes = 0;
  target = createServer((_req, res) => {
    scrapes++;
    res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
    res.end(`# TYPE http_requests_total counter\nhttp_requests_total{code="200"} ${990 * scrapes}\nhttp_requests_total{code="500"} ${10 * scrapes}\n`);
  });
  await new Promise<void>((resolve) => target!.listen(0, '127.0.0.1', resolve));
  const address = target.address();
  return typeof address === 'object' && address ? address.port : 0;
}

async function startSloe(): Promise<Daemon> {
  const space = workspace();
  space.write('shop.yaml', sloSpec('shop-availability', 'shop', 99));
  const configFile = join(space.root, 'sloe.yaml');
  writeFileSync(configFile, `evaluationInterval: 1s\nauth:\n  writeToken: ${WRITE_TOKEN}\n`);
  const config = loadConfig({ file: configFile, env: {}, flags: { listen: '127.0.0.1:0', slos: [space.specs], data: space.data, logLevel: 'warn' } });
  const daemon = await startDaemon(config, { env: {}, logDestination: logSink().stream });
  daemons.push(daemon);
  return daemon;
}

async function ingestCodes(daemon: Daemon): Promise<Record<string, number>> {
  const text = await (await fetch(`${daemon.url}/metrics`)).text();
  const codes: Record<string, number> = {};
  for (const match of text.matchAll(/^sloe_ingest_requests_total\{protocol="remote_write",code="(\d+)"\} (\d+)/gm)) codes[match[1]!] = Number(match[2]);
  return codes;
}

async function events(daemon: Daemon): Promise<number> {
  const status = (await (await fetch(`${daemon.url}/api/v1/slos/shop-availability`)).json()) as { events?: { total: number } };
  return status.events?.total ?? 0;
}

describe('Prometheus remote write into the daemon with auth.writeToken set', () => {
  it('delivers with basic_auth (token as password) and with authorization (Bearer), and not with a wrong password', async () => {
    const [basic, bearer, wrong] = [await startSloe(), await startSloe(), await startSloe()];
    const port = await startTarget();
    const queue = `    queue_config: { batch_send_deadline: 500ms, min_backoff: 100ms, max_backoff: 500ms }\n`;
    prometheus = await startPrometheus(`
global:
  scrape_interval: 300ms
scrape_configs:
  - job_name: shop
    static_configs:
      - targets: ['127.0.0.1:${port}']
remote_write:
  - url: ${basic.url}/api/v1/write
    basic_auth: { username: x, password: ${WRITE_TOKEN} }
${queue}  - url: ${bearer.url}/api/v1/write
    authorization: { credentials: ${WRITE_TOKEN} }
${queue}  - url: ${wrong.url}/api/v1/write
    basic_auth: { username: x, password: not-the-token }
${queue}`);

    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline && ((await events(basic)) < 2000 || (await events(bearer)) < 2000)) await new Promise((resolve) => setTimeout(resolve, 250));
    const log = prometheus.log();
    expect(await events(basic), `basic_auth: ${log}`).toBeGreaterThanOrEqual(2000);
    expect(await events(bearer), `authorization: ${log}`).toBeGreaterThanOrEqual(2000);
    expect((await ingestCodes(basic))['204']).toBeGreaterThan(0);
    expect((await ingestCodes(bearer))['204']).toBeGreaterThan(0);
    // Refused before ingest sees it (the daemon's auth middleware answers 401), so nothing arrives at all.
    expect(await events(wrong)).toBe(0);
    expect(await ingestCodes(wrong)).toEqual({});
  }, 60_000);
});
