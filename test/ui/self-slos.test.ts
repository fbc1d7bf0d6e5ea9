/**
 * Issue 17: with nothing else running, `npm start` shows live figures within a minute. The daemon is started with the
 * arguments of the `start` script (the example set, a data folder; only the listen address and the folder differ),
 * and its SLOs on its own API must leave `nodata` through the default self-scrape alone.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt } from '../helpers/build.js';
import { freePort } from '../helpers/ports.js';
import { startSloe } from '../helpers/sloe-process.js';
import type { SloeProcess } from '../helpers/sloe-process.js';

const ROOT = join(import.meta.dirname, '..', '..');

interface Status {
  status: string;
  sli: number | null;
  events: { good: number; total: number };
}

/** The sum of one counter's samples in an exposition, read plainly line by line (the oracle). */
function counterSum(exposition: string, name: string, keep: (line: string) => boolean): number {
  return exposition
    .split('\n')
    .filter((line) => line.startsWith(`${name}{`) && keep(line))
    .reduce((sum, line) => sum + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);
}

describe('npm start with nothing else running', () => {
  let sloe: SloeProcess | undefined;
  beforeAll(() => ensureBuilt(), 180_000);
  afterAll(() => {
    sloe?.child.kill('SIGKILL');
  });

  it('the self-SLOs leave nodata within 60 s, with figures the daemon\'s own counters bear out', async () => {
    const script = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts.start ?? '';
    expect(script).toContain('serve --slos slo-definitions --data');
    const started = Date.now();
    // Only the start script's arguments: no config file, no scrape job, no evaluation interval of the test's own.
    sloe = await startSloe(await freePort(), ['--slos', join(ROOT, 'slo-definitions'), '--data', join(mkdtempSync(join(tmpdir(), 'sloe-self-')), 'data')]);
    const { url } = sloe;
    const read = async (name: string): Promise<Status> => (await (await fetch(`${url}/api/v1/slos/${name}`)).json()) as Status;
    let availability = await read('sloe-api-availability');
    let latency = await read('sloe-api-latency');
    while ((availability.status === 'nodata' || latency.status === 'nodata') && Date.now() - started < 60_000) {
      await new Promise((resolve) => setTimeout(resolve, 1000));
      [availability, latency] = [await read('sloe-api-availability'), await read('sloe-api-latency')];
    }
    expect(Date.now() - started).toBeLessThan(60_000);
    expect(availability.status, sloe.output()).not.toBe('nodata');
    expect(latency.status, sloe.output()).not.toBe('nodata');

    // Every counted request is one the daemon's own counter saw (the first scrape of each series is its baseline, so
    // fewer, never more), and none failed: the SLI is exactly 1, not a default.
    const exposition = await (await fetch(`${url}/metrics`)).text();
    const requests = counterSum(exposition, 'sloe_http_requests_total', () => true);
    const failed = counterSum(exposition, 'sloe_http_requests_total', (line) => /code="5\d\d"/.test(line));
    expect(failed).toBe(0);
    expect(availability.events.total).toBeGreaterThan(0);
    expect(availability.events.total).toBeLessThanOrEqual(requests);
    expect(availability.events.good).toBe(availability.events.total);
    expect(availability.sli).toBe(1);
    expect(latency.events.total).toBeGreaterThan(0);
    expect(latency.events.total).toBeLessThanOrEqual(requests);
    expect(latency.sli).not.toBeNull();
  }, 90_000);
});
