/** The ingest limits and the per-term series cap are configuration keys (`limits.*`), and the daemon applies them. */
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
  const config = space.config({}, { SLOE_LIMITS_MAX_SERIES_PER_REQUEST: '50', SLOE_LIMITS_SERIES_PER_TERM: '5', SLOE_DURABILITY: 'full' });
  expect(config.limits).toMatchObject({ maxSeriesPerRequest: 50, seriesPerTerm: 5 });
  daemon = await startDaemon(config, { env: {}, logDestination: logSink().stream });
});

afterAll(async () => {
  await daemon.stop();
});

function series(count: number, timestamp: number): FastSeries[] {
  return Array.from({ length: count }, (_, index) => ({
    labels: [['__name__', 'http_requests_total'], ['code', '200'], ['job', 'shop'], ['pod', `p${index}`]] as const,
    value: 1,
    timestamp,
  }));
}

async function write(body: Buffer): Promise<Response> {
  const response = await fetch(`${daemon.url}/api/v1/write`, { method: 'POST', headers: REMOTE_WRITE_HEADERS, body: new Uint8Array(body) });
  await response.arrayBuffer();
  return response;
}

async function dropped(reason: string): Promise<number> {
  const text = await (await fetch(`${daemon.url}/metrics`)).text();
  const name = `sloe_ingest_dropped_samples_total{protocol="remote_write",reason="${reason}"}`;
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${name} `));
  return line === undefined ? 0 : Number(line.slice(name.length + 1));
}

describe('limits from the configuration', () => {
  it('refuses a request with more series than limits.maxSeriesPerRequest with 413', async () => {
    expect((await write(remoteWriteBody(series(51, Date.now())))).status).toBe(413);
    expect((await write(remoteWriteBody(series(50, Date.now())))).status).toBe(204);
  });

  it('keeps limits.seriesPerTerm series of a term and counts the rest as cardinality_limit', async () => {
    const before = await dropped('cardinality_limit');
    expect((await write(remoteWriteBody(series(20, Date.now() + 1_000)))).status).toBe(204);
    // The first request's 50 series already filled the five places of each term; these 20 are all new or over.
    expect(await dropped('cardinality_limit')).toBeGreaterThan(before);
  });
});
