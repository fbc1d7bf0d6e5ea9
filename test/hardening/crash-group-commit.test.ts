/**
 * Crash safety of group commits (issue #9): eight writers share commits; after each SIGKILL, before anything is
 * resent, the restarted daemon holds every request that was acknowledged: a request is answered only once its group
 * is durable. (Twenty kills under one writer, and the page that must not repeat: crash.test.ts.)
 */
import { compressSync } from 'snappy';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt } from '../helpers/build.js';
import { freePort } from '../helpers/ports.js';
import { encodeV1 } from '../ingest/schemas.js';
import { startSloe } from '../helpers/sloe-process.js';
import type { SloeProcess } from '../helpers/sloe-process.js';
import { BAD_PER_BATCH, GOOD_PER_BATCH, READY_WITHIN_MS, crashWorkspace, sendUntilAcknowledged, sloStatus, until } from './crash-harness.js';

const SLO = 'group-availability';

describe('SIGKILL during group-committed remote-write ingest', () => {
  let sloe: SloeProcess | undefined;
  beforeAll(() => ensureBuilt(), 180_000);
  afterAll(() => {
    sloe?.child.kill('SIGKILL');
  });

  it('acknowledges a request of a group commit only once the group is durable: after a kill, every acknowledged request of 8 concurrent writers is counted', { timeout: 240_000 }, async () => {
    const groupKills = Number(process.env.SLOE_GROUP_KILLS ?? 5);
    const writers = 8;
    const args = crashWorkspace('group');
    const port = await freePort();
    let current: SloeProcess = await startSloe(port, args, READY_WITHIN_MS);
    sloe = current;
    const url = (): string => current.url;
    const deadline = Date.now() + 200_000;
    let paused = false;
    // Per writer: the index of the next batch and of the last one acknowledged. Each writer owns its series (a shard),
    // batch i carries good = 5·i and bad = 5·i; batch 0 is the baseline.
    const next = Array.from({ length: writers }, () => 0);
    const acknowledged = Array.from({ length: writers }, () => -1);
    let lastTimestamp = Date.now();
    const body = (writer: number, index: number): Buffer => {
      lastTimestamp = Math.max(Date.now(), lastTimestamp + 1);
      const labels = { job: 'group', shard: String(writer) };
      return compressSync(
        Buffer.from(
          encodeV1([
            { labels: { __name__: 'group_requests_total', ...labels, code: '200' }, samples: [{ value: GOOD_PER_BATCH * index, timestamp: lastTimestamp }] },
            { labels: { __name__: 'group_requests_total', ...labels, code: '500' }, samples: [{ value: BAD_PER_BATCH * index, timestamp: lastTimestamp }] },
          ]),
        ),
      );
    };
    let writing = true;
    const failures: unknown[] = [];
    const running = Array.from({ length: writers }, async (_, writer) => {
      while (writing) {
        const index = next[writer]!++;
        await sendUntilAcknowledged(url, body(writer, index), deadline, () => paused);
        acknowledged[writer] = index;
      }
    }).map((writer) => writer.catch((error: unknown) => failures.push(error)));
    const countedFromAcknowledged = (): number => acknowledged.reduce((sum, index) => sum + (GOOD_PER_BATCH + BAD_PER_BATCH) * Math.max(0, index), 0);

    let largestGroup = 1;
    for (let kill = 0; kill < groupKills && failures.length === 0; kill++) {
      await new Promise((resolve) => setTimeout(resolve, 300 + Math.random() * 500));
      const metrics = await (await fetch(`${current.url}/metrics`)).text();
      const singles = Number(/sloe_ingest_commit_group_requests_bucket\{le="1"\} (\d+)/.exec(metrics)?.[1] ?? 0);
      const groups = Number(/sloe_ingest_commit_group_requests_count (\d+)/.exec(metrics)?.[1] ?? 0);
      if (groups > singles) largestGroup = 2;
      paused = true;
      current.child.kill('SIGKILL');
      await current.exited();
      // What was acknowledged before the kill; nothing is resent until the restarted daemon has been checked.
      const mustHave = countedFromAcknowledged();
      const restartedAt = Date.now();
      current = await startSloe(port, args, READY_WITHIN_MS);
      sloe = current;
      const status = await until('an evaluation after the restart', () => sloStatus(current.url, SLO), (value) => Date.parse(value.evaluatedAt) >= restartedAt, 15_000);
      expect(status.events.total).toBeGreaterThanOrEqual(mustHave);
      paused = false;
    }
    writing = false;
    await Promise.all(running);
    expect(failures).toEqual([]);
    // Requests did share commits (the test would otherwise not exercise a group).
    expect(largestGroup).toBeGreaterThan(1);
    const expected = countedFromAcknowledged();
    const final = await until('every batch to be evaluated', () => sloStatus(current.url, SLO), (status) => status.events.total >= expected, 15_000);
    expect(final.events).toEqual({ total: expected, good: expected / 2 });
  });
});
