import { describe, expect, it } from 'vitest';
import type { AppendRequest, AppendResult, IncomingSeries, SampleAppender } from '../../core/index.js';
import { GroupCommit } from './group-commit.js';

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
    const group = new GroupCommit(appender, { windowMs: 20, maxSeries: 1000 });
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
    const group = new GroupCommit(appender, { windowMs: 1, maxSeries: 1000 });
    fail.next = true;
    const outcomes = await Promise.allSettled([group.append({ series: series('a'), protocol: 'remote_write' }), group.append({ series: series('b'), protocol: 'remote_write' })]);
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['rejected', 'rejected']);
  });

  it('commits at once when the group holds enough series, without waiting out the window', async () => {
    const { appender, groups } = heldAppender();
    const sizes: number[] = [];
    const group = new GroupCommit(appender, { windowMs: 60_000, maxSeries: 2, onGroup: (requests) => sizes.push(requests) });
    await Promise.all([group.append({ series: series('a'), protocol: 'remote_write' }), group.append({ series: series('b'), protocol: 'remote_write' })]);
    expect(groups).toHaveLength(1);
    expect(sizes).toEqual([2]);
  });

  it('appends each request on its own when the appender has no groups', async () => {
    const appender: SampleAppender = { wantsMetric: () => true, append: (batch) => ({ received: batch.length, applied: 0, dropped: {} }) };
    const group = new GroupCommit(appender, { windowMs: 1, maxSeries: 10 });
    await expect(group.append({ series: series('a'), protocol: 'scrape' })).resolves.toEqual({ received: 1, applied: 0, dropped: {} });
  });
});
