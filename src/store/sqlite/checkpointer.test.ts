import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openSqliteStore } from './store.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const T0 = Date.UTC(2026, 11, 1);

async function until(condition: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (condition()) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return condition();
}

describe('background WAL checkpoints', () => {
  it('the main connection never checkpoints; the worker copies the log into the database file; close leaves no log', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sloe-checkpoint-'));
    dirs.push(dir);
    const path = join(dir, 'sloe.db');
    const store = openSqliteStore(path);
    expect(store.db.pragma('wal_autocheckpoint', { simple: true })).toBe(0);
    const fileBefore = statSync(path).size;
    // About 2.5 MB of commits: past the 1,000 pages at which SQLite would have checkpointed inside a commit.
    for (let commit = 0; commit < 40; commit++) {
      const series = Array.from({ length: 2000 }, (_, i) => ({ key: `s${i}`, lastTimestamp: T0 + commit, lastValue: commit, startTime: 0 }));
      store.engine.commit([{ term: 'a', bucket: T0, value: 1 }], series);
    }
    expect(statSync(`${path}-wal`).size).toBeGreaterThan(2_000_000);
    // Nothing on this thread checkpoints, so only the worker can grow the database file.
    expect(await until(() => statSync(path).size > fileBefore + 1_000_000, 10_000)).toBe(true);
    // After a complete checkpoint a commit starts the log over (writes at its start) instead of growing it.
    let commits = 0;
    expect(
      await until(() => {
        const before = statSync(`${path}-wal`).size;
        store.engine.commit([{ term: 'a', bucket: T0, value: 1 }], []);
        commits++;
        return statSync(`${path}-wal`).size === before;
      }, 10_000),
    ).toBe(true);
    store.close();
    expect(statSync(`${path}-wal`, { throwIfNoEntry: false })?.size ?? 0).toBe(0);
    const reopened = openSqliteStore(path);
    expect(reopened.engine.seriesStates()).toHaveLength(2000);
    expect(reopened.engine.buckets('fine', 'a', 0, T0 * 2).reduce((sum, row) => sum + row.value, 0)).toBe(40 + commits);
    reopened.close();
  });

  it('an in-memory store has no worker and keeps SQLite\'s own checkpoints', () => {
    const store = openSqliteStore(':memory:');
    expect(store.db.pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
    store.close();
  });
});
