/**
 * The front thread (src/api/front-thread.ts, front-worker.ts): a worker thread owns the public socket, answers gate
 * requests from templates the main thread made, and passes every other connection on to the main thread.
 *
 * - Every gate question of gate-questions.ts gets the same answer from the front thread (a connection whose first
 *   request is a gate request) as from the main thread (a connection that asked /healthz first, so it is passed on
 *   whole): status, header fields and body, decision id and times aside.
 * - Its answers are in the audit trail as soon as it is read, deduplicated, and in the request metrics.
 * - A gate is answered while the main thread is blocked (the case it exists for), when /healthz is not.
 * - A freeze set by hand is in the next answer the front thread gives.
 */
import { execFile, execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { connect } from 'node:net';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDaemon } from '../../src/app/index.js';
import type { Daemon } from '../../src/app/index.js';
import { MINUTE } from '../../src/core/index.js';
import { logSink, sloSpec, workspace } from '../app/daemon-fixture.js';
import { ADMIN, ORDERS, POLICY, QUESTIONS, READ, feed } from './gate-questions.js';

interface Exchange {
  readonly status: number;
  /** Header lines, sorted, Date's value blanked. */
  readonly headers: readonly string[];
  readonly body: string;
}

/**
 * GETs on one connection, in order, each answered before the next is sent (Content-Length bodies: every answer here
 * has one).
 */
function onOneConnection(base: string, requests: readonly { path: string; headers?: Record<string, string> }[]): Promise<Exchange[]> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const socket = connect({ host: hostname, port: Number(port) });
    const answers: Exchange[] = [];
    let buffered = Buffer.alloc(0);
    const send = (): void => {
      const next = requests[answers.length];
      if (next === undefined) {
        socket.end();
        resolve(answers);
        return;
      }
      const lines = [`GET ${next.path} HTTP/1.1`, `Host: ${hostname}:${port}`, ...Object.entries(next.headers ?? {}).map(([name, value]) => `${name}: ${value}`)];
      socket.write(`${lines.join('\r\n')}\r\n\r\n`);
    };
    socket.on('data', (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      const end = buffered.indexOf('\r\n\r\n');
      if (end < 0) return;
      const head = buffered.toString('latin1', 0, end).split('\r\n');
      const length = Number(/^content-length: (\d+)$/im.exec(head.join('\n'))?.[1] ?? 0);
      if (buffered.length < end + 4 + length) return;
      const body = buffered.toString('utf8', end + 4, end + 4 + length);
      buffered = buffered.subarray(end + 4 + length);
      const headers = head.slice(1).map((line) => (/^date:/i.test(line) ? 'Date: -' : line)).sort();
      answers.push({ status: Number(head[0]?.split(' ')[1]), headers, body });
      send();
    });
    socket.on('error', reject);
    socket.on('connect', send);
  });
}

/** An answer with what differs from one decision to the next blanked: its id, its time and its Content-Length. */
function normalized(answer: Exchange): Exchange {
  const body = answer.body.replace(/"id":"[^"]+"/, '"id":"-"').replace(/"decidedAt":"[^"]+"/, '"decidedAt":"-"');
  return { status: answer.status, headers: answer.headers.map((line) => line.replace(/^(content-length): \d+$/i, '$1: -')), body };
}

describe('the front thread answers gates as the main thread does, and while it is busy', () => {
  let daemon: Daemon;
  let root: string;

  beforeAll(async () => {
    const space = workspace();
    root = space.root;
    space.write('checkout.yaml', sloSpec('checkout-availability', 'checkout'));
    space.write('orders.yaml', ORDERS);
    space.write('policy.yaml', POLICY);
    const config = space.config({}, { SLOE_EVALUATION_INTERVAL: '1s', SLOE_AUTH_READ_TOKEN: 'reader', SLOE_AUTH_ADMIN_TOKEN: 'admin', SLOE_SERVER_FRONT_THREAD: 'true' });
    expect(config.server.frontThread).toBe(true);
    daemon = await startDaemon(config, { env: {}, logDestination: logSink().stream });
    const now = Date.now();
    for (let minute = 0; minute <= 120; minute++) feed(daemon, now - (120 - minute) * MINUTE, minute);
    let total = 0;
    for (let round = 0; round < 200 && total !== 1_200_000; round++) {
      const status = (await (await fetch(`${daemon.url}/api/v1/slos/checkout-availability`, { headers: { authorization: READ } })).json()) as { events: { total: number } };
      total = status.events.total;
      if (total !== 1_200_000) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(total).toBe(1_200_000);
  }, 60_000);

  afterAll(async () => {
    await daemon.stop();
    rmSync(root, { recursive: true, force: true });
  });

  it('gives every question the answer the main thread gives', async () => {
    const answered: Exchange[] = [];
    for (const question of QUESTIONS) {
      // Asked of the front thread before and after the main thread: an evaluation between them changes the answer
      // (its figures and time), and the three are asked again.
      let same = false;
      for (let attempt = 0; attempt < 5 && !same; attempt++) {
        const [before] = await onOneConnection(daemon.url, [question]);
        const [, inside] = await onOneConnection(daemon.url, [{ path: '/healthz' }, question]);
        const [after] = await onOneConnection(daemon.url, [question]);
        same = JSON.stringify(normalized(before!)) === JSON.stringify(normalized(after!));
        if (same) {
          expect({ question, ...normalized(before!) }).toEqual({ question, ...normalized(inside!) });
          expect({ question, status: before!.status }).toEqual({ question, status: question.status });
          answered.push(before!);
        }
      }
      expect(same).toBe(true);
    }
    // The front thread's own answers carry its ids; the rest were passed on and answered by the main thread.
    const ids = answered.filter((answer) => answer.status === 200).map((answer) => (JSON.parse(answer.body) as { id: string }).id);
    expect(ids.filter((id) => id.includes('-f-')).length).toBeGreaterThan(5);
    expect(ids.filter((id) => !id.includes('-f-')).length).toBeGreaterThan(0);
  }, 60_000);

  it('counts its answers in the audit trail, read right after, and in the request metrics', async () => {
    const agent = `front-test/${Date.now()}`;
    const question = { path: '/api/v1/gates/checkout?env=production', headers: { authorization: READ, 'user-agent': agent } };
    const metricLine = async (): Promise<number> => {
      const text = await (await fetch(`${daemon.url}/metrics`, { headers: { authorization: READ } })).text();
      return Number(/^sloe_http_requests_total\{method="GET",route="\/api\/v1\/gates\/:service",code="200"\} (\d+)$/m.exec(text)?.[1] ?? 0);
    };
    const before = await metricLine();
    const answers = await onOneConnection(daemon.url, Array.from({ length: 25 }, () => question));
    expect(answers.every((answer) => answer.status === 200 && answer.body.includes('-f-'))).toBe(true);
    const trail = (await (await fetch(`${daemon.url}/api/v1/decisions?limit=1000`, { headers: { authorization: READ } })).json()) as { data: { caller: string; count: number; id: string; lastId: string }[] };
    const mine = trail.data.filter((entry) => entry.caller === `gate:${agent}`);
    // One entry per distinct verdict: an evaluation in between may make a second one; together they count all 25.
    expect(mine.reduce((sum, entry) => sum + entry.count, 0)).toBe(25);
    const ids = answers.map((answer) => (JSON.parse(answer.body) as { id: string }).id);
    expect(mine.map((entry) => entry.id)).toContain(ids[0]);
    expect(mine.map((entry) => entry.lastId)).toContain(ids[24]);
    // The request metrics follow within a report (every 200 ms).
    let after = before;
    for (let round = 0; round < 20 && after < before + 25; round++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      after = await metricLine();
    }
    expect(after - before).toBeGreaterThanOrEqual(25);
  });

  it('answers a gate while the main thread is blocked, when /healthz waits', async () => {
    const url = `${daemon.url}/api/v1/gates/checkout?env=production`;
    const curl = (target: string, seconds: number) => ['-s', '-o', '/dev/null', '-m', String(seconds), '-w', '%{http_code} %{time_total}', '-H', `authorization: ${READ}`, target];
    // The front thread learns curl's question (its template) while the main thread is free.
    expect((await promisify(execFile)('curl', curl(url, 5))).stdout.split(' ')[0]).toBe('200');
    // execFileSync blocks this thread, which is the daemon's main thread, until curl is done.
    const [gateCode, gateSeconds] = execFileSync('curl', curl(url, 5)).toString().split(' ');
    expect(gateCode).toBe('200');
    expect(Number(gateSeconds)).toBeLessThan(1);
    // The control: /healthz needs the main thread, and times out while it is blocked.
    const health = (() => {
      try {
        return execFileSync('curl', curl(`${daemon.url}/healthz`, 1)).toString();
      } catch (error) {
        return String((error as { stdout?: Buffer }).stdout ?? '');
      }
    })();
    expect(health.split(' ')[0]).toBe('000');
    // Once free, it answers (the connection curl dropped is cleaned up).
    const { stdout } = await promisify(execFile)('curl', curl(`${daemon.url}/healthz`, 5));
    expect(stdout.split(' ')[0]).toBe('200');
  });

  it('gives a freeze set by hand in its next answer, and the thaw in the one after the lift', async () => {
    const question = { path: '/api/v1/gates/orders?env=staging&action=config', headers: { authorization: READ } };
    const decision = async (): Promise<{ decision: string; id: string }> => {
      const [answer] = await onOneConnection(daemon.url, [question]);
      return JSON.parse(answer!.body) as { decision: string; id: string };
    };
    const first = await decision();
    expect(first.id).toContain('-f-');
    expect(first.decision).not.toBe('deny');
    const put = await fetch(`${daemon.url}/api/v1/freezes/orders`, {
      method: 'PUT',
      headers: { authorization: ADMIN, 'content-type': 'application/json' },
      body: JSON.stringify({ environment: 'staging', reason: 'front thread test', until: new Date(Date.now() + 3_600_000).toISOString() }),
    });
    expect(put.status).toBeLessThan(300);
    const frozen = await decision();
    expect(frozen.id).toContain('-f-');
    expect(frozen.decision).toBe('deny');
    const lift = await fetch(`${daemon.url}/api/v1/freezes/orders?env=staging`, { method: 'DELETE', headers: { authorization: ADMIN } });
    expect(lift.status).toBeLessThan(300);
    expect((await decision()).decision).toBe(first.decision);
  });
});
