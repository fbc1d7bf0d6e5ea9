import { createServer } from 'node:http';
import { connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import type { AppendRequest, AppendResult, IncomingSeries, SampleAppender } from '../../core/index.js';
import { GroupCommit } from './group-commit.js';
import { TurnQueue } from './turn-queue.js';

const series = (name: string): IncomingSeries[] => [{ labels: { __name__: name }, timestamps: [1], values: [1] }];

/** An appender whose commit the test holds open, recording each group it is handed. */
function heldAppender(): { appender: SampleAppender; groups: AppendRequest[][]; fail: { next: boolean } } {
  const groups: AppendRequest[][] = [];
  const fail = { next: false };
  const appender: SampleAppender = {
    wantsMetric: () => true,
    append: () => {
      throw new Error('group commit must use appendGroup');
    },
    appendGroup(requests) {
      groups.push([...requests]);
      if (fail.next) throw new Error('disk full');
      return requests.map((request): AppendResult => ({ received: request.series.length, applied: request.series.length, dropped: { [request.series[0]!.labels.__name__!]: 1 } }));
    },
  };
  return { appender, groups, fail };
}

describe('GroupCommit', () => {
  it('commits requests arriving within the window as one group, and settles each with its own result only after it', async () => {
    const { appender, groups } = heldAppender();
    const group = new GroupCommit(appender, { windowMs: 20, maxSeries: 1000, turns: new TurnQueue() });
    const settled: string[] = [];
    const a = group.append({ series: series('a'), protocol: 'remote_write' }).then((result) => (settled.push('a'), result));
    const b = group.append({ series: series('b'), protocol: 'otlp' }).then((result) => (settled.push('b'), result));
    await new Promise((resolve) => setTimeout(resolve, 5));
    // Inside the window: nothing committed, nobody acknowledged.
    expect(groups).toHaveLength(0);
    expect(settled).toEqual([]);
    const [resultA, resultB] = await Promise.all([a, b]);
    expect(groups).toHaveLength(1);
    expect(groups[0]!.map((request) => request.protocol)).toEqual(['remote_write', 'otlp']);
    expect(resultA.dropped).toEqual({ a: 1 });
    expect(resultB.dropped).toEqual({ b: 1 });
  });

  it('fails every request of a group whose commit fails: none of them is acknowledged', async () => {
    const { appender, fail } = heldAppender();
    const group = new GroupCommit(appender, { windowMs: 1, maxSeries: 1000, turns: new TurnQueue() });
    fail.next = true;
    const outcomes = await Promise.allSettled([group.append({ series: series('a'), protocol: 'remote_write' }), group.append({ series: series('b'), protocol: 'remote_write' })]);
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['rejected', 'rejected']);
  });

  it('commits at once when the group holds enough series, without waiting out the window', async () => {
    const { appender, groups } = heldAppender();
    const sizes: number[] = [];
    const group = new GroupCommit(appender, { windowMs: 60_000, maxSeries: 2, turns: new TurnQueue(), onGroup: (requests) => sizes.push(requests) });
    await Promise.all([group.append({ series: series('a'), protocol: 'remote_write' }), group.append({ series: series('b'), protocol: 'remote_write' })]);
    expect(groups).toHaveLength(1);
    expect(sizes).toEqual([2]);
  });

  it('appends each request on its own when the appender has no groups', async () => {
    const appender: SampleAppender = { wantsMetric: () => true, append: (batch) => ({ received: batch.length, applied: 0, dropped: {} }) };
    const group = new GroupCommit(appender, { windowMs: 1, maxSeries: 10, turns: new TurnQueue() });
    await expect(group.append({ series: series('a'), protocol: 'scrape' })).resolves.toEqual({ received: 1, applied: 0, dropped: {} });
  });

  it('commits a queue longer than maxSeries in groups, one per turn, each request settled only by its own group', async () => {
    const { appender, groups } = heldAppender();
    const group = new GroupCommit(appender, { windowMs: 60_000, maxSeries: 2, turns: new TurnQueue() });
    const settled: string[] = [];
    const committedWhenSettled: Record<string, number> = {};
    const names = ['a', 'b', 'c', 'd', 'e'];
    const all = names.map((name) =>
      group.append({ series: series(name), protocol: 'remote_write' }).then(() => {
        settled.push(name);
        committedWhenSettled[name] = groups.length;
      }),
    );
    // Nothing is committed inside the caller's turn: the full group waits for its own.
    expect(groups).toHaveLength(0);
    await Promise.all(all);
    expect(groups.map((requests) => requests.map((request) => request.series[0]!.labels.__name__))).toEqual([['a', 'b'], ['c', 'd'], ['e']]);
    // Each request was acknowledged once its own group had committed, and before the next group was appended.
    expect(committedWhenSettled).toEqual({ a: 1, b: 1, c: 2, d: 2, e: 3 });
    expect(settled).toEqual(names);
  });

  it('keeps a request larger than maxSeries whole, as a group of its own', async () => {
    const { appender, groups } = heldAppender();
    const group = new GroupCommit(appender, { windowMs: 60_000, maxSeries: 2, turns: new TurnQueue() });
    const big = [...series('x'), ...series('y'), ...series('z')];
    await Promise.all([group.append({ series: series('a'), protocol: 'remote_write' }), group.append({ series: big, protocol: 'remote_write' })]);
    expect(groups.map((requests) => requests.map((request) => request.series.length))).toEqual([[1], [3]]);
  });

  it('answers a request that arrives while a long queue is committed before the queue is done', async () => {
    // Each commit holds the loop for a while, as a big SQLite transaction does; a ping arrives over a real socket.
    const events: string[] = [];
    const COMMIT_MS = 15;
    const appender: SampleAppender = {
      wantsMetric: () => true,
      append: () => {
        throw new Error('group commit must use appendGroup');
      },
      appendGroup(requests) {
        const until = performance.now() + COMMIT_MS;
        while (performance.now() < until);
        events.push(`commit ${requests.map((request) => request.series[0]!.labels.__name__).join('')}`);
        return requests.map((request): AppendResult => ({ received: request.series.length, applied: request.series.length, dropped: {} }));
      },
    };
    const server = createServer((request, response) => {
      events.push('ping');
      response.end('pong');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const socket = connect((server.address() as AddressInfo).port, '127.0.0.1');
    try {
      await new Promise<void>((resolve) => socket.once('connect', resolve));
      const answered = new Promise<string>((resolve) => socket.once('data', (chunk: Buffer) => resolve(chunk.toString())));
      const group = new GroupCommit(appender, { windowMs: 60_000, maxSeries: 1, turns: new TurnQueue() });
      const names = 'abcdefgh'.split('');
      const commits = names.map((name) => group.append({ series: series(name), protocol: 'remote_write' }));
      // The ping's bytes are on the socket before the first commit starts; the commits take 8 x 15 ms.
      socket.write('GET /ping HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
      await Promise.all(commits);
      expect(await answered).toContain('pong');
      const commitsBeforePing = events.indexOf('ping');
      expect(events.filter((event) => event.startsWith('commit'))).toEqual(names.map((name) => `commit ${name}`));
      // Answered between two commits, not after the whole queue (one synchronous flush answered it after all eight).
      expect(commitsBeforePing).toBeGreaterThanOrEqual(0);
      expect(commitsBeforePing).toBeLessThan(names.length - 1);
    } finally {
      socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('flush commits everything waiting at once, in groups of at most maxSeries', () => {
    const { appender, groups } = heldAppender();
    const group = new GroupCommit(appender, { windowMs: 60_000, maxSeries: 2, turns: new TurnQueue() });
    for (const name of ['a', 'b', 'c']) void group.append({ series: series(name), protocol: 'remote_write' });
    group.flush();
    expect(groups.map((requests) => requests.length)).toEqual([2, 1]);
  });
});
