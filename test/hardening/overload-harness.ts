/**
 * What the two overload tests (overload.test.ts: 400 senders past the admission bound; overload-cardinality.test.ts:
 * a million new series) share: one in-process daemon per file, writes, and reading its own metrics. They are two
 * files so vitest runs them side by side; neither depends on what the other wrote.
 */
import { afterAll, beforeAll } from 'vitest';
import { startDaemon } from '../../src/app/index.js';
import type { Daemon } from '../../src/app/index.js';
import { logSink, sloSpec, workspace } from '../app/daemon-fixture.js';
import { REMOTE_WRITE_HEADERS } from '../helpers/remote-write-encoder.js';
import type { FastSeries } from '../helpers/remote-write-encoder.js';

export interface OverloadDaemon {
  readonly url: string;
  write(body: Buffer): Promise<Response>;
  metric(series: string): Promise<number>;
}

/** Registers the file's hooks: a daemon with the SLO `shop-availability` over `http_requests_total{job="shop"}`. */
export function overloadDaemon(): OverloadDaemon {
  let daemon: Daemon | undefined;
  beforeAll(async () => {
    const space = workspace();
    space.write('shop.yaml', sloSpec('shop-availability', 'shop'));
    daemon = await startDaemon(space.config(), { env: {}, logDestination: logSink().stream });
  });
  afterAll(async () => {
    await daemon?.stop();
  });
  const url = (): string => {
    if (daemon === undefined) throw new Error('the daemon has not started');
    return daemon.url;
  };
  return {
    get url() {
      return url();
    },
    async write(body) {
      const response = await fetch(`${url()}/api/v1/write`, { method: 'POST', headers: REMOTE_WRITE_HEADERS, body: new Uint8Array(body) });
      await response.arrayBuffer();
      return response;
    },
    async metric(series) {
      const text = await (await fetch(`${url()}/metrics`)).text();
      const line = text.split('\n').find((candidate) => candidate.startsWith(`${series} `));
      return line === undefined ? 0 : Number(line.slice(series.length + 1));
    },
  };
}

/** Series of the SLO's counter with a label no one bounded: every series is new. */
export function explodingSeries(from: number, count: number, timestamp: number): FastSeries[] {
  return Array.from({ length: count }, (_, offset) => ({
    labels: [
      ['__name__', 'http_requests_total'],
      ['code', '200'],
      ['job', 'shop'],
      ['user_id', `u${from + offset}`],
    ] as const,
    value: 1,
    timestamp,
  }));
}
