/**
 * A write queue longer than one group is committed as several groups (GroupCommit's `maxSeries`), each its own SQLite
 * transaction on its own turn. A crash between two groups must lose no acknowledged request: the data folder copied
 * (database and WAL) at the moment the first group's requests are acknowledged, before the next group's turn, is what a
 * SIGKILL then would leave. Opened again, it holds every acknowledged request's series and none of the later groups'.
 */
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { HOUR } from '../../src/core/index.js';
import type { IncomingSeries } from '../../src/core/index.js';
import { Engine } from '../../src/engine/index.js';
import { GroupCommit } from '../../src/ingest/http/group-commit.js';
import { TurnQueue } from '../../src/ingest/http/turn-queue.js';
import { openSqliteStore } from '../../src/store/index.js';
import { REQUESTS, makeSlo, specsOf } from '../engine/fixtures.js';

const T0 = Date.UTC(2026, 10, 2, 12);
const dir = mkdtempSync(join(tmpdir(), 'sloe-group-crash-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Request `i`: two series of the SLI's metric, told apart by instance, so each request's series are its own. */
function request(i: number): IncomingSeries[] {
  return ['a', 'b'].map((half) => ({ labels: { __name__: REQUESTS, job: 'api', code: '200', instance: `r${i}-${half}` }, timestamps: [T0], values: [i + 1] }));
}

/** The instances whose series state the store at `path` holds. */
function instancesIn(path: string): string[] {
  const store = openSqliteStore(path);
  try {
    return store.engine
      .seriesStates()
      .map((state) => /"(r\d-[ab])"/.exec(state.key)?.[1])
      .filter((instance): instance is string => instance !== undefined)
      .sort();
  } finally {
    store.close();
  }
}

describe('group commit split in groups, killed between two of them', () => {
  it('keeps every acknowledged request and none that was not', async () => {
    const path = join(dir, 'live', 'sloe.db');
    mkdirSync(join(dir, 'live'));
    mkdirSync(join(dir, 'crash'));
    const store = openSqliteStore(path);
    const engine = new Engine({ specs: specsOf(makeSlo({})), store: store.engine, documents: store.documents, journal: store.journal, clock: () => T0 + HOUR });
    // Four series a group: six requests of two series each commit as three groups of two requests.
    const group = new GroupCommit(engine, { windowMs: 60_000, maxSeries: 4, turns: new TurnQueue() });
    const acknowledged: number[] = [];
    let copiedWhenAcknowledged: number[] | undefined;
    const writes = [0, 1, 2, 3, 4, 5].map((i) =>
      group.append({ series: request(i), protocol: 'remote_write' }).then((result) => {
        expect(result.applied).toBe(2);
        acknowledged.push(i);
        if (i !== 1) return;
        // The first group is acknowledged; the next has not had its turn. Copy what is on disk now, as a kill would leave it.
        for (const suffix of ['', '-wal']) if (existsSync(path + suffix)) copyFileSync(path + suffix, join(dir, 'crash', `sloe.db${suffix}`));
        copiedWhenAcknowledged = [...acknowledged];
      }),
    );
    await Promise.all(writes);
    store.close();

    expect(copiedWhenAcknowledged).toEqual([0, 1]);
    expect(instancesIn(join(dir, 'crash', 'sloe.db'))).toEqual(['r0-a', 'r0-b', 'r1-a', 'r1-b']);
    // The oracle for the live store: every request of the six.
    expect(instancesIn(path)).toEqual([0, 1, 2, 3, 4, 5].flatMap((i) => [`r${i}-a`, `r${i}-b`]));
  });
});
