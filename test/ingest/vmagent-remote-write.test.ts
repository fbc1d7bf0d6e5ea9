/**
 * A real `vmagent` scraping a target the test serves and remote-writing what it scrapes to sloe: sloe's events, SLI
 * and budget for the SLO over that job equal what the target served (the oracle: the counters' last values less
 * their first, as sloe takes a series' first sample as its baseline).
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { requireBinary } from '../helpers/binaries.js';
import { startMetricsTarget } from '../helpers/metrics-target.js';
import { freePort } from '../helpers/ports.js';
import { startSloeIngest } from './sloe-harness.js';
import type { SloeIngest } from './sloe-harness.js';

/** Scrapes that move the counters; later ones serve the same values, so the last served value is final. */
const MOVING_SCRAPES = 8;
const goodStep = (n: number): number => 97 + ((n * 13) % 11);
const badStep = (n: number): number => n % 4;

const SPEC = `
apiVersion: sloe/v1
kind: SLO
metadata:
  name: shop-availability
spec:
  service: shop
  window: 1h
  objectives:
    - targetPercent: 99
  sli:
    ratio:
      bad: sum(rate(http_requests_total{job="shop",code=~"5.."}[{{.window}}]))
      total: sum(rate(http_requests_total{job="shop"}[{{.window}}]))
`;

/** The target's counters: they move for MOVING_SCRAPES scrapes, then hold; every value served is kept for the oracle. */
class Counters {
  readonly served: { good: number; bad: number }[] = [];
  private good = 5_000;
  private bad = 40;

  render(): { contentType: string; body: string } {
    const n = this.served.length;
    if (n > 0 && n < MOVING_SCRAPES) {
      this.good += goodStep(n);
      this.bad += badStep(n);
    }
    this.served.push({ good: this.good, bad: this.bad });
    return { contentType: 'text/plain; version=0.0.4', body: `# TYPE http_requests_total counter\nhttp_requests_total{code="200"} ${this.good}\nhttp_requests_total{code="500"} ${this.bad}\n` };
  }
}

const cleanups: (() => Promise<void> | void)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

async function startVmagent(targetAddress: string, writeUrl: string): Promise<ChildProcess> {
  const dir = mkdtempSync(join(tmpdir(), 'sloe-vmagent-'));
  const config = join(dir, 'scrape.yaml');
  writeFileSync(config, `scrape_configs:\n  - job_name: shop\n    scrape_interval: 1s\n    static_configs:\n      - targets: ["${targetAddress}"]\n`);
  const child = spawn(requireBinary('vmagent'), [`-promscrape.config=${config}`, `-remoteWrite.url=${writeUrl}`, `-remoteWrite.tmpDataPath=${join(dir, 'queue')}`, '-remoteWrite.flushInterval=100ms', `-httpListenAddr=127.0.0.1:${await freePort()}`, '-loggerLevel=ERROR'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let logged = '';
  child.stderr?.on('data', (chunk: Buffer) => (logged = (logged + chunk.toString()).slice(-4000)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  cleanups.push(async () => {
    if (child.exitCode === null) child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
    rmSync(dir, { recursive: true, force: true });
    if (logged.includes('error')) console.warn(`vmagent logged: ${logged}`);
  });
  return child;
}

/** Polls `check` until it answers true, every 250 ms, failing with `what` after `timeoutMs`. */
async function until(what: string, timeoutMs: number, check: () => boolean | Promise<boolean>): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

describe('vmagent remote-writing to sloe', () => {
  it('reports the events, SLI and budget that the scraped target served', async () => {
    const sloe: SloeIngest = await startSloeIngest({ specYaml: SPEC });
    cleanups.push(() => sloe.close());
    const counters = new Counters();
    const target = await startMetricsTarget(() => counters.render());
    cleanups.push(() => target.close());
    const vmagent = await startVmagent(`127.0.0.1:${target.port}`, `${sloe.url}/api/v1/write`);

    // Generous bounds: the machine is shared. Three scrapes of the held values, so the oracle's figures are final.
    await until('the target to be scraped past its last change', 60_000, () => target.scrapes() >= MOVING_SCRAPES + 3 || vmagent.exitCode !== null);
    expect(vmagent.exitCode, 'vmagent is still running').toBeNull();
    const first = counters.served[0]!;
    const held = counters.served.at(-1)!;
    const good = held.good - first.good;
    const bad = held.bad - first.bad;
    expect(bad).toBeGreaterThan(0);
    // vmagent delivers on its own schedule: wait for sloe to count every event, but never accept more (a duplicate or
    // a lost baseline would overshoot and the wait would time out).
    await until(`sloe to count the ${good + bad} events served`, 30_000, async () => {
      const total = (await sloe.engine.evaluate(Date.now())).statuses[0]!.events.total;
      expect(total).toBeLessThanOrEqual(good + bad);
      return total === good + bad;
    });
    const status = (await sloe.engine.evaluate(Date.now())).statuses[0]!;
    expect(status.events).toEqual({ good, total: good + bad });
    expect(status.sli).toBeCloseTo(good / (good + bad), 12);
    expect(status.errorBudget.consumed).toBeCloseTo(bad / (good + bad) / 0.01, 9);
    expect(status.status).not.toBe('nodata');
  }, 120_000);
});
