/**
 * Disk full (issue #21), on a real small filesystem: the data folder is a 24 MiB tmpfs mounted by the test (as root)
 * and filled to the last byte. Writes that cannot be committed get 503 with Retry-After, the daemon keeps serving
 * reads and gates, the refusals write one full log line and then a count (a line per refusal would fill the disk that
 * is already short), and once space is freed the sender's retries are taken and every acknowledged increase counts.
 */
import { execFileSync } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startDaemon } from '../../src/app/index.js';
import type { Daemon } from '../../src/app/index.js';
import { logSink, sloSpec } from '../app/daemon-fixture.js';
import { loadConfig } from '../../src/config/index.js';
import { REMOTE_WRITE_HEADERS, remoteWriteBody } from '../helpers/remote-write-encoder.js';

const cleanup: (() => Promise<void> | void)[] = [];
afterAll(async () => {
  for (const step of cleanup.reverse()) await step();
});

/** Writes zeros into `file` until the filesystem refuses (ENOSPC); returns the bytes written. */
function fillUp(file: string): number {
  const descriptor = openSync(file, 'w');
  const chunk = Buffer.alloc(64 * 1024);
  let written = 0;
  try {
    for (;;) written += writeSync(descriptor, chunk);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
  } finally {
    closeSync(descriptor);
  }
  return written;
}

describe('disk full', () => {
  it('answers 503 with Retry-After, logs refusals once then a count, and recovers with nothing lost', { timeout: 90_000 }, async () => {
    const root = mkdtempSync(join(tmpdir(), 'sloe-disk-full-'));
    const data = join(root, 'data');
    const specs = join(root, 'slos');
    mkdirSync(data);
    mkdirSync(specs);
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=24m', 'tmpfs', data]);
    cleanup.push(() => {
      execFileSync('umount', ['-l', data]);
      rmSync(root, { recursive: true, force: true });
    });
    execFileSync('sh', ['-c', `cat > ${join(specs, 'shop.yaml')}`], { input: sloSpec('shop-availability', 'shop') });
    const logs = logSink();
    const config = loadConfig({ env: {}, flags: { listen: '127.0.0.1:0', slos: [specs], data, logLevel: 'warn' } });
    const daemon: Daemon = await startDaemon({ ...config, evaluationInterval: '1s', evaluationIntervalMs: 1_000 }, { env: {}, logDestination: logs.stream });
    cleanup.push(() => daemon.stop());

    const start = Date.now() - 60_000;
    // One counter, +10 per batch (one bad in ten); batch 0 is the baseline, so the window holds 10·(last batch) events.
    const batch = (index: number): Buffer =>
      remoteWriteBody([
        { labels: [['__name__', 'http_requests_total'], ['code', '200'], ['job', 'shop']], value: 9 * index, timestamp: start + index * 100 },
        { labels: [['__name__', 'http_requests_total'], ['code', '500'], ['job', 'shop']], value: index, timestamp: start + index * 100 },
      ]);
    const write = async (index: number) => {
      const response = await fetch(`${daemon.url}/api/v1/write`, { method: 'POST', headers: REMOTE_WRITE_HEADERS, body: new Uint8Array(batch(index)) });
      await response.arrayBuffer();
      return { status: response.status, retryAfter: response.headers.get('retry-after') };
    };
    for (let index = 0; index < 5; index++) expect((await write(index)).status).toBe(204);

    const filler = join(data, 'filler');
    expect(fillUp(filler)).toBeGreaterThan(0);
    const answers: { status: number; retryAfter: string | null }[] = [];
    for (let index = 5; index < 405; index++) answers.push(await write(index));
    const refused = answers.filter((answer) => answer.status === 503);
    // SQLite may still fit a few commits into pages it already holds; every other write is refused, none is lost.
    expect(answers.every((answer) => answer.status === 503 || answer.status === 204)).toBe(true);
    expect(refused.length).toBeGreaterThan(350);
    expect(refused.every((answer) => answer.retryAfter === '1')).toBe(true);
    expect((await fetch(`${daemon.url}/healthz`)).status).toBe(200);
    expect((await fetch(`${daemon.url}/api/v1/gates/shop`)).status).toBe(200);

    const failureLines = logs.text().split('\n').filter((line) => line.includes('ingest request failed'));
    expect(failureLines.length).toBeLessThanOrEqual(2);
    expect(failureLines.filter((line) => line.includes('"stack"'))).toHaveLength(1);

    rmSync(filler);
    // The sender resends from where it was refused; cumulative counters make the last acknowledged batch the total.
    const last = 410;
    for (let index = 405; index <= last; index++) expect((await write(index)).status).toBe(204);
    const deadline = Date.now() + 20_000;
    let events = { good: 0, total: 0 };
    while (Date.now() < deadline) {
      const status = (await (await fetch(`${daemon.url}/api/v1/slos/shop-availability`)).json()) as { events: { good: number; total: number } };
      events = status.events;
      if (events.total === 10 * last) break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(events).toEqual({ good: 9 * last, total: 10 * last });
  });
});
