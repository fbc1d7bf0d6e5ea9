/** The scraper against real HTTP targets on 127.0.0.1: text format and OpenMetrics, a down target, a slow one, the lifecycle. */
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { Scraper } from '../../src/ingest/index.js';
import type { ScrapeJob } from '../../src/ingest/index.js';
import { freePort } from '../helpers/ports.js';
import { RecordingAppender } from './recording-appender.js';

const servers: Server[] = [];
afterEach(() => {
  for (const server of servers.splice(0)) server.close();
});

async function target(handler: (count: number) => { body: string; type?: string; delayMs?: number }): Promise<string> {
  let count = 0;
  const server = createServer((req, res) => {
    const { body, type, delayMs } = handler(++count);
    setTimeout(() => {
      res.writeHead(200, { 'content-type': type ?? 'text/plain; version=0.0.4' });
      res.end(body);
    }, delayMs ?? 0);
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return `127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
}

const job = (targets: string[], extra: Partial<ScrapeJob> = {}): ScrapeJob => ({ job: 'shop', targets, intervalMs: 1_000, timeoutMs: 500, path: '/metrics', scheme: 'http', ...extra });
const WANTED = ['orders_total', 'up', 'scrape_duration_seconds', 'scrape_samples_scraped'];

describe('scraping', () => {
  it('scrapes the text format, adds job and instance, and up / scrape_duration_seconds series', async () => {
    const address = await target((n) => ({ body: `# TYPE orders_total counter\norders_total{result="ok"} ${100 * n}\norders_total{result="failed"} ${n}\ngo_goroutines 12\n` }));
    const appender = new RecordingAppender(WANTED);
    const scraper = new Scraper({ jobs: [job([address])], appender, clock: () => 1_764_158_400_000 });
    const outcome = await scraper.scrapeOnce(job([address]), address);
    expect(outcome).toMatchObject({ up: true, samples: 3 });
    expect(appender.samples.map((sample) => [sample.labels.__name__, sample.labels.result, sample.value])).toEqual([
      ['orders_total', 'ok', 100],
      ['orders_total', 'failed', 1],
      ['up', undefined, 1],
      ['scrape_duration_seconds', undefined, expect.any(Number)],
      ['scrape_samples_scraped', undefined, 3],
    ]);
    expect(appender.samples.every((sample) => sample.labels.job === 'shop' && sample.labels.instance === address && sample.protocol === 'scrape' && sample.timestamp === 1_764_158_400_000)).toBe(true);
  });

  it('reads OpenMetrics with _created as the counter start time', async () => {
    const address = await target(() => ({ type: 'application/openmetrics-text; version=1.0.0; charset=utf-8', body: '# TYPE orders counter\norders_total 5\norders_created 1764150000.0\n# EOF\n' }));
    const appender = new RecordingAppender(WANTED);
    await new Scraper({ jobs: [], appender }).scrapeOnce(job([address]), address);
    expect(appender.samples.find((sample) => sample.labels.__name__ === 'orders_total')).toMatchObject({ value: 5, startTimeMs: 1_764_150_000_000 });
    expect(appender.samples.some((sample) => sample.labels.__name__ === 'orders_created')).toBe(false);
  });

  it('marks a down target and a slow one up=0, with the reason', async () => {
    const down = `127.0.0.1:${await freePort()}`;
    const slow = await target(() => ({ body: 'orders_total 1\n', delayMs: 2_000 }));
    const appender = new RecordingAppender(WANTED);
    const scraper = new Scraper({ jobs: [], appender });
    const downOutcome = await scraper.scrapeOnce(job([down]), down);
    expect(downOutcome).toMatchObject({ up: false, error: 'fetch failed' });
    const slowOutcome = await scraper.scrapeOnce(job([slow], { timeoutMs: 200 }), slow);
    expect(slowOutcome).toMatchObject({ up: false, error: 'no answer within 200 ms' });
    expect(appender.samples.filter((sample) => sample.labels.__name__ === 'up').map((sample) => sample.value)).toEqual([0, 0]);
    expect(appender.samples.some((sample) => sample.labels.__name__ === 'orders_total')).toBe(false);
  });

  it('scrapes on its interval once started and stops on shutdown', async () => {
    let scrapes = 0;
    const address = await target((n) => {
      scrapes = n;
      return { body: `orders_total ${n}\n` };
    });
    const appender = new RecordingAppender(WANTED);
    const scraper = new Scraper({ jobs: [job([address], { intervalMs: 100, timeoutMs: 90 })], appender });
    scraper.start();
    const deadline = Date.now() + 5_000;
    while (scrapes < 3 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    await scraper.shutdown();
    const after = scrapes;
    expect(after).toBeGreaterThanOrEqual(3);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(scrapes).toBe(after);
    expect(appender.samples.filter((sample) => sample.labels.__name__ === 'orders_total').length).toBe(after);
  });

  it('refuses a timeout longer than the interval at construction', () => {
    expect(() => new Scraper({ jobs: [job(['x:1'], { intervalMs: 100, timeoutMs: 200 })], appender: new RecordingAppender([]) })).toThrow(/longer than the interval/);
  });
});
