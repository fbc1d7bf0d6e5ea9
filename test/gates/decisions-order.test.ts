/**
 * GET /api/v1/decisions on the real daemon over HTTP, its SQLite file carried across a restart: the audit trail is
 * newest first by each entry's last answer, whether the entry is still counting or was closed into the journal (at
 * shutdown, or when the caller's verdict changed), and `next` pages through it with every entry once.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startDaemon } from '../../src/app/index.js';
import type { Daemon } from '../../src/app/index.js';
import { logSink, sloSpec, workspace } from '../app/daemon-fixture.js';
import { expectedTrail } from '../helpers/audit-trail.js';
import type { RecordedAnswer } from '../helpers/audit-trail.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

interface Entry {
  id: string;
  lastId: string;
  lastAt: string;
  count: number;
  caller: string;
}

describe('the audit trail over HTTP, across a restart', () => {
  it('lists open and closed entries newest first by last answer and pages through them with next, each once', async () => {
    const space = workspace();
    space.write('checkout.yaml', sloSpec('checkout-availability', 'checkout'));
    const answers: RecordedAnswer[] = [];
    /** Asks the gate as `agent`, with release metadata when given, and records the answer for the oracle. */
    const ask = async (daemon: Daemon, agent: string, release?: { version: string }): Promise<void> => {
      const response = await fetch(`${daemon.url}/api/v1/gates/checkout`, {
        method: release ? 'POST' : 'GET',
        headers: { 'user-agent': agent, ...(release ? { 'content-type': 'application/json' } : {}) },
        ...(release ? { body: JSON.stringify(release) } : {}),
      });
      expect(response.status).toBe(200);
      const body = (await response.json()) as { id: string; decidedAt: string; decision: string; reasons: string[]; policy: string };
      answers.push({ id: body.id, caller: `gate:${agent}`, verdict: JSON.stringify([body.decision, body.reasons, body.policy, release ?? null]), at: Date.parse(body.decidedAt) });
      // Apart by a few milliseconds, so the order below is by time (the oracle would break a tie by id all the same).
      await new Promise((resolve) => setTimeout(resolve, 5));
    };

    // First run: a asks, b asks, a asks again. At shutdown both entries close, a's first (it was opened first) though
    // its last answer is the newer: the journal's ids say a then b, the trail must say a then b the other way round.
    const first = await startDaemon(space.config(), { env: {}, logDestination: logSink().stream });
    await ask(first, 'ci-a');
    await ask(first, 'ci-b');
    await ask(first, 'ci-a');
    await first.stop();

    // Second run on the same data: d asks and goes quiet (open); e asks for release 1, then for release 2, which closes
    // e's first entry, newer than d's open one.
    const second = await startDaemon(space.config(), { env: {}, logDestination: logSink().stream });
    cleanups.push(() => second.stop());
    await ask(second, 'ci-d');
    await ask(second, 'ci-e', { version: '1.0.0' });
    await ask(second, 'ci-e', { version: '1.0.1' });

    const expected = expectedTrail(answers);
    expect(expected.map((entry) => entry.count)).toEqual([1, 1, 1, 2, 1]);
    const pages: Entry[][] = [];
    let before: string | undefined;
    for (let page = 0; page < 10; page++) {
      const response = await fetch(`${second.url}/api/v1/decisions?service=checkout&limit=2${before === undefined ? '' : `&before=${encodeURIComponent(before)}`}`);
      expect(response.status).toBe(200);
      const body = (await response.json()) as { data: Entry[]; next?: string };
      pages.push(body.data);
      if (body.next === undefined) break;
      expect(typeof body.next).toBe('string');
      before = body.next;
    }
    expect(pages.map((page) => page.length)).toEqual([2, 2, 1]);
    expect(pages.flat().map(({ id, lastId, lastAt, count }) => ({ id, lastId, lastAt, count }))).toEqual(expected);
    expect(pages.flat().map((entry) => entry.caller)).toEqual(['gate:ci-e', 'gate:ci-e', 'gate:ci-d', 'gate:ci-a', 'gate:ci-b']);
    // One page of all of them says the same.
    const whole = (await (await fetch(`${second.url}/api/v1/decisions`)).json()) as { data: Entry[]; next?: string };
    expect(whole.data.map((entry) => entry.id)).toEqual(expected.map((entry) => entry.id));
    expect(whole.next).toBeUndefined();

    // Cursors of earlier versions name no place in this order: refused, saying why and what to do.
    for (const old of ['open.2', '17']) {
      const response = await fetch(`${second.url}/api/v1/decisions?before=${old}`);
      expect(response.status).toBe(400);
      const body = (await response.json()) as { error: { code: string; message: string } };
      expect(body.error.code).toBe('bad_request');
      expect(body.error.message).toContain(`got "${old}" (a cursor of an earlier sloe version, which paged in another order: start again without before)`);
    }
    const garbage = await fetch(`${second.url}/api/v1/decisions?before=yesterday`);
    expect(garbage.status).toBe(400);
    expect(((await garbage.json()) as { error: { message: string } }).error.message).toBe(
      'before: expected the next of a previous page (Unix ms, a dot, the last id, e.g. 1795694460000.mi1r9k-2f), got "yesterday"',
    );
  });
});
