import type { Logger } from 'pino';
import type { Component } from '../core/index.js';

/** Runs `work`, giving up (false) after `ms`. */
export async function within(ms: number, work: Promise<unknown>): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([work.then(() => true), deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Stops every part in reverse start order, sharing the grace period (each gets at least a second). A part that
 * fails or overruns is logged and the next one still stops: the store must be closed whatever came before it.
 */
export async function stopInReverse(parts: readonly Component[], graceMs: number, clock: () => number, logger: Logger): Promise<void> {
  const started = clock();
  for (const part of [...parts].reverse()) {
    if (!part.stop) continue;
    const left = Math.max(1_000, graceMs - (clock() - started));
    try {
      if (!(await within(left, part.stop(left)))) logger.warn({ component: part.name }, 'did not stop in time');
    } catch (error) {
      logger.error({ err: error, component: part.name }, 'component failed to stop cleanly');
    }
  }
}
