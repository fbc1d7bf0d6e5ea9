import { describe, expect, it } from 'vitest';
import { TurnQueue } from './turn-queue.js';

describe('TurnQueue', () => {
  it('runs tasks in order, one per turn of the event loop, with other callbacks between them', async () => {
    const queue = new TurnQueue();
    const events: string[] = [];
    const tasks = ['a', 'b', 'c'].map((name) =>
      queue.run(() => {
        events.push(name);
        // Queued while a task runs, as an I/O callback would be: it runs before the next task, not after all of them.
        setImmediate(() => events.push(`after ${name}`));
        return name.toUpperCase();
      }),
    );
    expect(events).toEqual([]);
    expect(queue.waiting).toBe(3);
    expect(await Promise.all(tasks)).toEqual(['A', 'B', 'C']);
    await new Promise((resolve) => setImmediate(resolve));
    expect(events).toEqual(['a', 'after a', 'b', 'after b', 'c', 'after c']);
  });

  it('rejects the task that threw and goes on with the next', async () => {
    const queue = new TurnQueue();
    const failed = queue.run(() => {
      throw new Error('bad body');
    });
    const next = queue.run(() => 1);
    await expect(failed).rejects.toThrow('bad body');
    await expect(next).resolves.toBe(1);
  });
});
