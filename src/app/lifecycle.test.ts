import pino from 'pino';
import { describe, expect, it } from 'vitest';
import type { Component } from '../core/index.js';
import { stopInReverse } from './lifecycle.js';

describe('stopInReverse', () => {
  it('stops parts in reverse start order, and a failing or stuck part does not keep the later ones from stopping', async () => {
    const stopped: string[] = [];
    const lines: string[] = [];
    const logger = pino({ level: 'warn' }, { write: (line: string) => lines.push(line) });
    const parts: Component[] = [
      { name: 'store', stop: () => Promise.resolve(void stopped.push('store')) },
      { name: 'stuck', stop: () => new Promise<void>(() => undefined) },
      { name: 'broken', stop: () => Promise.reject(new Error('boom')) },
      { name: 'routes only' },
      { name: 'ingest', stop: () => Promise.resolve(void stopped.push('ingest')) },
    ];
    await stopInReverse(parts, 0, Date.now, logger);
    expect(stopped).toEqual(['ingest', 'store']);
    expect(lines.join('')).toMatch(/"component":"broken".*failed to stop cleanly/);
    expect(lines.join('')).toMatch(/"component":"stuck".*did not stop in time/);
  });
});
