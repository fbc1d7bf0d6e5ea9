import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { MINUTE } from '../../src/core/index.js';
import { createReviews } from '../../src/review/index.js';
import type { ReviewComponent } from '../../src/review/index.js';
import { openSqliteStore } from '../../src/store/index.js';
import type { SqliteStore } from '../../src/store/index.js';
import { BURN, PERIOD_MINUTES, SLO_NAME, Stream } from './stream.js';

const START = Date.UTC(2026, 10, 20, 0, 0);
const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };
const dirs: string[] = [];

afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

interface Posted {
  readonly url: string;
  readonly body: { type: string; data: { slo: string; budgetSpent: number; startedAt: string; endedAt: string; timeline: { kind: string; text: string }[] } };
}

function reviewsOn(store: SqliteStore, posted: Posted[]): ReviewComponent {
  return createReviews({
    incidents: store.incidents,
    journal: store.journal,
    documents: store.documents,
    transaction: (work) => store.transaction(work),
    registry: new Registry(),
    clock: () => Date.now(),
    postmortemThreshold: 0.2,
    postmortemReceivers: { webhooks: [{ url: 'http://tracker.test/issues' }] },
    // Reports are not read here (test/review/report.test.ts reads them): nothing of the engine is asked.
    engine: { statuses: { latest: () => [], get: () => undefined }, history: { history: () => undefined }, events: { events: () => undefined } },
    logger: quiet,
    fetch: (url, init) => {
      posted.push({ url, body: JSON.parse(init?.body as string) as Posted['body'] });
      return Promise.resolve(new Response('{}', { status: 201 }));
    },
  });
}

function openStore(): { store: SqliteStore; path: string } {
  const dir = mkdtempSync(join(tmpdir(), 'sloe-reviews-'));
  dirs.push(dir);
  const path = join(dir, 'sloe.db');
  return { store: openSqliteStore(path), path };
}

/**
 * The SLO: 99.9 % over 30 days, 1000 requests a minute, three clean days of history. A burn of `minutes` at 30× the
 * allowed rate puts 30 bad requests a minute against an allowance of 1000 × 43 200 × 0.001 = 43 200 a period, so it
 * spends 30 × minutes / 43 200 of the budget: 4.17 % for an hour, 25 % for six.
 */
describe('incidents from a known stream', () => {
  it('an hour at 30× is one page-fast incident that spent about 4 % of the budget: timed against the stream, no postmortem', async () => {
    const { store } = openStore();
    const posted: Posted[] = [];
    const reviews = reviewsOn(store, posted);
    const stream = new Stream(store, START, [reviews]);
    await stream.start();
    await reviews.start?.();
    stream.warmUp();
    await stream.run(30, 0);
    const burnStart = stream.now;
    await stream.run(60, BURN);
    const burnEnd = stream.now;
    await stream.run(60, 0);

    const incidents = reviews.incidents({ from: START, to: stream.now });
    expect(incidents).toHaveLength(1);
    const [incident] = incidents;
    if (!incident) throw new Error('no incident');
    expect(incident.slo).toBe(SLO_NAME);
    expect(incident.severity).toBe('page');
    expect(incident.final).toBe(true);
    // page-fast (14.4 over 1h and 5m, for 2m): the 1h window reaches 14.4 after 14.4/30 of an hour = 28.8 minutes,
    // so it is pending from the 29th minute, fires and pages 2 minutes later; the 5m window drops below 14.4 when
    // fewer than 2.4 of its minutes burn, the 3rd minute after the burn.
    const startedAt = Date.parse(incident.startedAt);
    expect((startedAt - burnStart) / MINUTE).toBeGreaterThanOrEqual(28);
    expect((startedAt - burnStart) / MINUTE).toBeLessThanOrEqual(30);
    expect(incident.timeToDetectSeconds).toBe(120);
    expect(stream.pager.received.filter((sent) => sent.state === 'firing' && sent.severity === 'page')).not.toHaveLength(0);
    const resolvedAt = Date.parse(incident.resolvedAt ?? '');
    expect((resolvedAt - burnEnd) / MINUTE).toBeGreaterThanOrEqual(2);
    expect((resolvedAt - burnEnd) / MINUTE).toBeLessThanOrEqual(4);
    expect(incident.timeToResolveSeconds).toBe((resolvedAt - startedAt) / 1000);
    // Hand computation: 30 × 60 / 43 200 = 0.041667.
    expect(incident.budgetSpent).toBeCloseTo((BURN * 60) / PERIOD_MINUTES, 3);
    expect(incident.peakBurnRate).toBeCloseTo(BURN, 6);
    expect(incident.timeline.map((event) => event.text)).toContain('page-fast (page): pending → firing');
    expect(reviews.postmortems()).toEqual([]);
    await reviews.flush(1000);
    expect(posted).toEqual([]);
    await stream.stop();
    store.close();
  });

  it('six hours at 30× spend 25 %: a postmortem with its timeline, announced once, also across a restart', async () => {
    const { store, path } = openStore();
    const posted: Posted[] = [];
    // The engine and notify run on; the review component restarts with its own connection to the same database.
    let reviewStore = openSqliteStore(path);
    let reviews = reviewsOn(reviewStore, posted);
    const forwarding = { afterEvaluation: (evaluation: Parameters<NonNullable<ReviewComponent['afterEvaluation']>>[0]) => reviews.afterEvaluation?.(evaluation) };
    const stream = new Stream(store, START, [forwarding]);
    await stream.start();
    await reviews.start?.();
    stream.warmUp();
    await stream.run(30, 0);
    await stream.run(6 * 60, BURN);
    // Restart while the incident is still open (the slow ticket tier holds it for hours after the burn).
    await reviews.stop?.(1000);
    reviewStore.close();
    reviewStore = openSqliteStore(path);
    reviews = reviewsOn(reviewStore, posted);
    await reviews.start?.();
    expect(reviews.incidents({ from: START, to: stream.now }).map((incident) => incident.final)).toEqual([false]);
    // The slow ticket tier's 6h short window holds the incident until 5 h 48 min after the burn (12 of its minutes
    // burning at 30× keep it above 1), so it is over before this stretch ends.
    await stream.run(6 * 60 - 5, 0);

    const [incident, ...others] = reviews.incidents({ from: START, to: stream.now });
    expect(others).toEqual([]);
    expect(incident?.final).toBe(true);
    expect(incident?.severity).toBe('page');
    expect((Date.parse(incident?.resolvedAt ?? '') - (START + (30 + 360) * MINUTE)) / MINUTE).toBeCloseTo(5 * 60 + 48, -1);
    // Hand computation: 30 × 360 / 43 200 = 0.25.
    expect(incident?.budgetSpent).toBeCloseTo((BURN * 360) / PERIOD_MINUTES, 2);
    const postmortems = reviews.postmortems();
    expect(postmortems).toHaveLength(1);
    const [postmortem] = postmortems;
    expect(postmortem).toMatchObject({ slo: SLO_NAME, objectiveKey: 'main', startedAt: incident?.startedAt, endedAt: incident?.resolvedAt });
    expect(postmortem?.budgetSpent).toBeCloseTo(0.25, 2);
    const kinds = new Set(postmortem?.timeline.map((event) => event.kind));
    expect(kinds).toEqual(new Set(['transition', 'notification']));
    await reviews.flush(1000);
    expect(posted).toHaveLength(1);
    expect(posted[0]?.body.type).toBe('sloe.postmortem');
    expect(posted[0]?.body.data.slo).toBe(SLO_NAME);

    // Another restart, and more evaluations: the postmortem is not announced again.
    await reviews.stop?.(1000);
    reviewStore.close();
    reviewStore = openSqliteStore(path);
    reviews = reviewsOn(reviewStore, posted);
    await reviews.start?.();
    await stream.run(30, 0);
    await reviews.flush(1000);
    expect(posted).toHaveLength(1);
    expect(reviews.postmortems()).toHaveLength(1);
    await reviews.stop?.(1000);
    await stream.stop();
    reviewStore.close();
    store.close();
  });
});
