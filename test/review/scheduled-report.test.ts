import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import { afterAll, describe, expect, it } from 'vitest';
import { DAY, MINUTE } from '../../src/core/index.js';
import { createReviews } from '../../src/review/index.js';
import type { ReviewComponent } from '../../src/review/index.js';
import { openSqliteStore } from '../../src/store/index.js';
import type { SqliteStore } from '../../src/store/index.js';

const dir = mkdtempSync(join(tmpdir(), 'sloe-scheduled-'));
const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Sent {
  readonly url: string;
  readonly body: { text?: string; type?: string; id?: string };
  readonly idempotencyKey: string | null;
}

/** A daemon's review component over the database at `path`, with time injected and a fake Slack and webhook. */
function reviewsAt(path: string, sent: Sent[], now: () => number): { reviews: ReviewComponent; store: SqliteStore } {
  const store = openSqliteStore(path);
  const reviews = createReviews({
    incidents: store.incidents,
    journal: store.journal,
    documents: store.documents,
    transaction: (work) => store.transaction(work),
    registry: new Registry(),
    clock: now,
    postmortemThreshold: 0.2,
    postmortemReceivers: {},
    engine: { statuses: { latest: () => [], get: () => undefined }, history: { history: () => undefined }, events: { events: () => undefined } },
    reports: [{ name: 'weekly', schedule: '0 9 * * 1', timeZone: 'UTC', rangeMs: 7 * DAY, receivers: { slack: [{ webhookUrl: 'http://slack.test/hook' }], webhooks: [{ url: 'http://tracker.test/reports' }] } }],
    publicUrl: 'http://sloe.test',
    logger: quiet,
    fetch: (url, init) => {
      sent.push({ url, body: JSON.parse(init?.body as string) as Sent['body'], idempotencyKey: new Headers(init?.headers).get('idempotency-key') });
      return Promise.resolve(new Response(url.includes('slack') ? 'ok' : '{}', { status: 200 }));
    },
  });
  return { reviews, store };
}

describe('scheduled reports', () => {
  it('goes once to a fake Slack at its cron time (time injected), and not again after a restart', async () => {
    const path = join(dir, 'sloe.db');
    const sent: Sent[] = [];
    // Sunday 2026-12-06 12:00 UTC; the schedule is Mondays 09:00.
    let now = Date.UTC(2026, 11, 6, 12, 0);
    let daemon = reviewsAt(path, sent, () => now);
    await daemon.reviews.start?.();
    for (; now < Date.UTC(2026, 11, 7, 8, 59); now += MINUTE) expect(daemon.reviews.sendDueReports(now)).toEqual([]);
    await daemon.reviews.flush(1000);
    expect(sent).toEqual([]);
    now = Date.UTC(2026, 11, 7, 9, 0, 20);
    expect(daemon.reviews.sendDueReports(now)).toEqual(['weekly@2026-12-07T09:00:00.000Z']);
    expect(daemon.reviews.sendDueReports(now + MINUTE)).toEqual([]);
    await daemon.reviews.flush(1000);
    expect(sent.map((message) => message.url).sort()).toEqual(['http://slack.test/hook', 'http://tracker.test/reports']);
    const slack = sent.find((message) => message.url.includes('slack'));
    expect(slack?.body.text).toContain('*SLO report weekly*: 2026-11-30 09:00Z to 2026-12-07 09:00Z');
    expect(slack?.body.text).toContain('http://sloe.test/api/v1/reports?format=markdown');
    const webhook = sent.find((message) => message.url.includes('tracker'));
    expect(webhook?.body).toMatchObject({ type: 'sloe.report', id: 'weekly@2026-12-07T09:00:00.000Z' });
    expect(webhook?.idempotencyKey).toBe('weekly@2026-12-07T09:00:00.000Z');

    // A restart later the same morning: nothing is sent again.
    await daemon.reviews.stop?.(1000);
    daemon.store.close();
    now += 30 * MINUTE;
    daemon = reviewsAt(path, sent, () => now);
    await daemon.reviews.start?.();
    for (let i = 0; i < 10; i++) expect(daemon.reviews.sendDueReports((now += MINUTE))).toEqual([]);
    await daemon.reviews.flush(1000);
    expect(sent).toHaveLength(2);
    expect(daemon.reviews.sentReports().map((report) => report.key)).toEqual(['weekly@2026-12-07T09:00:00.000Z']);

    // The next Monday it goes again, once.
    now = Date.UTC(2026, 11, 14, 9, 1);
    expect(daemon.reviews.sendDueReports(now)).toEqual(['weekly@2026-12-14T09:00:00.000Z']);
    await daemon.reviews.flush(1000);
    expect(sent).toHaveLength(4);
    await daemon.reviews.stop?.(1000);
    daemon.store.close();
  });
});
