import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SloeError } from '../../core/index.js';
import { limitLogRate } from './log-limiter.js';

function recorder() {
  const lines: { level: string; object: Record<string, unknown>; message: string }[] = [];
  const at = (level: string) => (object: object, message: string) => lines.push({ level, object: object as Record<string, unknown>, message });
  return { lines, logger: { info: at('info'), warn: at('warn'), error: at('error') } };
}

describe('limitLogRate', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('writes the first error of a kind whole, then one line with the count per interval', () => {
    const { lines, logger } = recorder();
    const log = limitLogRate(logger, { intervalMs: 60_000 });
    const err = new SloeError('storage_unavailable', 'disk full', { status: 503 });
    for (let i = 0; i < 400; i++) log.error({ err }, 'ingest request failed');
    expect(lines).toHaveLength(1);
    expect(lines[0]?.object.err).toBe(err);
    vi.advanceTimersByTime(60_000);
    expect(lines).toHaveLength(2);
    expect(lines[1]?.object).toEqual({ repeated: 399, intervalSeconds: 60, code: 'storage_unavailable' });
    expect(lines[1]?.message).toContain('399 more in the last 60s');
    expect(lines[1]?.object.err).toBeUndefined();
    // Still failing: one count line per interval, never a line per request.
    for (let i = 0; i < 50; i++) log.error({ err }, 'ingest request failed');
    vi.advanceTimersByTime(60_000);
    expect(lines.map((line) => line.object.repeated)).toEqual([undefined, 399, 50]);
    // A quiet interval, then the next failure is written whole again.
    vi.advanceTimersByTime(120_000);
    log.error({ err }, 'ingest request failed');
    expect(lines).toHaveLength(4);
    expect(lines[3]?.object.err).toBe(err);
  });

  it('keeps kinds apart, and passes info through', () => {
    const { lines, logger } = recorder();
    const log = limitLogRate(logger, { intervalMs: 1_000 });
    log.error({ err: new SloeError('a', 'a') }, 'failed');
    log.error({ err: new SloeError('b', 'b') }, 'failed');
    log.warn({ rejected: 1 }, 'remote write: samples refused');
    log.warn({ rejected: 2 }, 'remote write: samples refused');
    log.info({}, 'hello');
    log.info({}, 'hello');
    expect(lines.map((line) => `${line.level} ${line.message}`)).toEqual(['error failed', 'error failed', 'warn remote write: samples refused', 'info hello', 'info hello']);
  });
});
