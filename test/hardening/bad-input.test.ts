/**
 * Bad input beyond the protocols (issue #9): hostile spec files, names with path separators or SQL, huge label
 * values, unicode; API requests with wrong types, huge bodies and bad tokens. Each gets a clear refusal, the daemon
 * carries on, and nothing is written where it should not be.
 */
import { readdirSync } from 'node:fs';
import { compressSync } from 'snappy';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDaemon } from '../../src/app/index.js';
import type { Daemon } from '../../src/app/index.js';
import { logSink, sloSpec, workspace } from '../app/daemon-fixture.js';
import type { Workspace } from '../app/daemon-fixture.js';
import { REMOTE_WRITE_HEADERS, remoteWriteBody } from '../helpers/remote-write-encoder.js';

const ADMIN = 'admin-secret-token';
const READ = 'read-secret-token';
const WRITE = 'write-secret-token';

let daemon: Daemon;
let space: Workspace;
const logs = logSink();

beforeAll(async () => {
  space = workspace();
  space.write('shop.yaml', sloSpec('shop-availability', 'shop'));
  daemon = await startDaemon(space.config({}, { SLOE_AUTH_READ_TOKEN: READ, SLOE_AUTH_WRITE_TOKEN: WRITE, SLOE_AUTH_ADMIN_TOKEN: ADMIN }), { env: {}, logDestination: logs.stream });
});

afterAll(async () => {
  await daemon.stop();
});

function as(token: string, init: RequestInit = {}): RequestInit {
  return { ...init, headers: { ...(init.headers as Record<string, string> | undefined), authorization: `Bearer ${token}` } };
}

async function call(path: string, init: RequestInit = {}): Promise<{ status: number; body: { error?: { code: string; message: string } } & Record<string, unknown> }> {
  const response = await fetch(`${daemon.url}${path}`, init);
  const text = await response.text();
  return { status: response.status, body: text === '' ? {} : (JSON.parse(text) as { error?: { code: string; message: string } }) };
}

function json(body: unknown, token = ADMIN): RequestInit {
  return as(token, { method: 'POST', headers: { 'content-type': 'application/json' }, body: typeof body === 'string' ? body : JSON.stringify(body) });
}

async function reloadWith(file: string, text: string): Promise<{ status: number; message: string }> {
  space.write(file, text);
  const answer = await call('/-/reload', as(ADMIN, { method: 'POST' }));
  return { status: answer.status, message: answer.body.error?.message ?? '' };
}

async function sloNames(): Promise<string[]> {
  const answer = await call('/api/v1/slos', as(READ));
  return (answer.body.data as { name: string }[]).map((status) => status.name).sort();
}

describe('hostile spec files are refused on reload; the running set stays', () => {
  const cases: [string, string, RegExp][] = [
    ['an alias bomb', `a: &a ["x","x","x","x","x","x","x","x","x"]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: [*d,*d,*d,*d,*d,*d,*d,*d,*d]\n`, /alias/i],
    ['a name with path separators', sloSpec('../../etc/passwd', 'shop'), /hostile\.yaml:\d+:\d+: .*name/],
    ['a name with SQL', sloSpec(`x'); DROP TABLE buckets; --`, 'shop'), /hostile\.yaml:\d+:\d+: .*name/],
    ['a binary file', '\u0000\u0001\u0002ELF\u0000', /binary|NUL/i],
    ['not YAML', 'apiVersion: sloe/v1\nkind: SLO\n  metadata: [unclosed\n', /hostile\.yaml:\d+:\d+:/],
  ];
  it.each(cases)('%s', async (_what, text, problem) => {
    const refused = await reloadWith('hostile.yaml', text);
    expect(refused.status).toBe(422);
    expect(refused.message).toMatch(problem);
    expect(await sloNames()).toEqual(['shop-availability']);
  });

  it('takes unicode names and text where the format allows them', async () => {
    const spec = sloSpec('paiement-disponibilite', 'paiement').replace('spec:\n', 'spec:\n  description: "Disponibilité du paiement — 決済 ✓"\n');
    const taken = await reloadWith('hostile.yaml', spec);
    expect(taken.status).toBe(200);
    expect(await sloNames()).toEqual(['paiement-disponibilite', 'shop-availability']);
  });
});

describe('API requests with wrong types, huge bodies and bad tokens', () => {
  it('refuses wrong types with 400 and the field at fault', async () => {
    const exclusion = await call('/api/v1/exclusions', json({ slo: 'shop-availability', start: 'yesterday', end: 5, reason: 'x' }));
    expect(exclusion.status).toBe(400);
    expect(exclusion.body.error?.message).toMatch(/start/);
    const silence = await call('/api/v1/silences', json({ slo: ['shop'], endsAt: {} }));
    expect(silence.status).toBe(400);
    const notJson = await call('/api/v1/exclusions', json('{"slo": '));
    expect(notJson.status).toBe(400);
    expect(notJson.body.error?.code).toBeTruthy();
    const gate = await call('/api/v1/gates/shop', json({ labels: 5, environment: ['prod'] }, READ));
    expect(gate.status).toBe(400);
    const history = await call('/api/v1/slos/shop-availability/history?step=-5m', as(READ));
    expect(history.status).toBe(400);
  });

  it('answers names with path separators, SQL and unicode as unknown, never as something else', async () => {
    for (const name of ['..%2F..%2Fetc%2Fpasswd', encodeURIComponent("x'); DROP TABLE buckets; --"), encodeURIComponent('決済')]) {
      const answer = await call(`/api/v1/slos/${name}`, as(READ));
      expect(answer.status).toBe(404);
      expect(answer.body.error?.code).toBe('not_found');
    }
    expect(await sloNames()).toContain('shop-availability');
  });

  it('refuses bodies over the limit with 413 before reading them whole', async () => {
    const huge = JSON.stringify({ slo: 'shop-availability', start: 0, end: 1, reason: 'x'.repeat(20 * 1024 * 1024) });
    for (const path of ['/api/v1/exclusions', '/api/v1/silences', '/api/v1/gates/shop', '/api/v1/admission']) {
      const answer = await call(path, json(huge));
      expect(answer.status, path).toBe(413);
    }
  });

  it('refuses missing and wrong tokens with 401, and never logs them', async () => {
    expect((await call('/api/v1/slos')).status).toBe(401);
    expect((await call('/api/v1/slos', as('wrong-token'))).status).toBe(401);
    expect((await call('/api/v1/slos', as(WRITE))).status).toBe(401);
    expect((await call('/-/reload', as(READ, { method: 'POST' }))).status).toBe(401);
    expect((await call('/api/v1/exclusions', json({ slo: 'shop-availability', start: 0, end: 1, reason: 'x' }, READ))).status).toBe(401);
    const write = await fetch(`${daemon.url}/api/v1/write`, as(READ, { method: 'POST', headers: REMOTE_WRITE_HEADERS, body: new Uint8Array(remoteWriteBody([])) }));
    expect(write.status).toBe(401);
    expect((await call('/api/v1/slos', as(ADMIN))).status).toBe(200);
    const logged = logs.text();
    for (const secret of [ADMIN, READ, WRITE, 'wrong-token']) expect(logged).not.toContain(secret);
  });

  it('takes huge label values it does not need without storing them, and refuses malformed ones clearly', async () => {
    const huge = 'v'.repeat(1024 * 1024);
    const body = remoteWriteBody([
      { labels: [['__name__', 'http_requests_total'], ['job', 'shop'], ['code', '200'], ['path', huge]], value: 1, timestamp: Date.now() },
      { labels: [['__name__', 'unrelated_metric'], ['blob', huge]], value: 1, timestamp: Date.now() },
    ]);
    const answer = await fetch(`${daemon.url}/api/v1/write`, as(WRITE, { method: 'POST', headers: REMOTE_WRITE_HEADERS, body: new Uint8Array(body) }));
    expect([204, 400, 413]).toContain(answer.status);
    // Valid snappy around bytes that are not a WriteRequest.
    const garbage = await fetch(`${daemon.url}/api/v1/write`, as(WRITE, { method: 'POST', headers: REMOTE_WRITE_HEADERS, body: new Uint8Array(compressSync(Buffer.from([0x0a, 0xff, 0xff, 0xff, 0x0f, 1, 2, 3]))) }));
    expect(garbage.status).toBe(400);
    expect(((await garbage.json()) as { error: { message: string } }).error.message.length).toBeGreaterThan(0);
  });

  it('wrote nothing for refused requests: no exclusion, no silence, no decision, no stray file', async () => {
    expect((await call('/api/v1/exclusions', as(READ))).body.data).toEqual([]);
    expect((await call('/api/v1/silences', as(READ))).body.data).toEqual([]);
    expect((await call('/api/v1/decisions', as(READ))).body.data).toEqual([]);
    const files = readdirSync(space.data).filter((file) => !/^sloe\.db(-wal|-shm)?$/.test(file));
    expect(files).toEqual([]);
    expect((await fetch(`${daemon.url}/healthz`)).status).toBe(200);
  });
});
