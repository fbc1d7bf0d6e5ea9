import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { policyTestOptions, sloStatus } from '../../test/policy/status-fixture.js';
import { routeAuthorizer } from '../auth/index.js';
import { MemoryJournal } from '../store/memory-records.js';
import { createPolicy } from './component.js';
import { GATE_ROUTE, gateFastPath } from './gate-fast-path.js';

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

/**
 * The fast path in front of a stand-in for hono that answers 599 and notes the request, on a real socket: which
 * requests it takes and which it leaves alone. (That its answers equal hono's is test/gates/gate-fast-path.test.ts.)
 */
async function setup() {
  const journal = new MemoryJournal();
  const component = createPolicy({ ...policyTestOptions([sloStatus({ name: 'checkout-availability', service: 'checkout', consumed: 1.2 })], journal), now: () => Date.parse('2026-11-26T12:01:00Z') });
  component.checkFreezes();
  const recorded: string[] = [];
  const fast = gateFastPath(component.gates, {
    authorize: routeAuthorizer({ readToken: 'reader', adminToken: 'admin' }),
    recordAnswer: (seconds) => {
      expect(seconds).toBeGreaterThanOrEqual(0);
      recorded.push(`GET ${GATE_ROUTE} 200`);
    },
  });
  const declined: string[] = [];
  const server = createServer((req, res) => {
    if (fast(req, res)) return;
    declined.push(`${req.method} ${req.url}`);
    res.writeHead(599).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closers.push(() => new Promise((resolve) => server.close(() => resolve())));
  const { port } = server.address() as AddressInfo;
  const ask = (method: string, path: string, headers: Record<string, string> = {}) =>
    new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, method, path, headers, agent: false }, (response) => {
        let body = '';
        response.on('data', (chunk: Buffer) => (body += chunk.toString()));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
      });
      req.on('error', reject);
      req.end();
    });
  return { ask, declined, recorded, component };
}

describe('the gate fast path', () => {
  it('answers a plain GET from the precomputed verdict, counts it in the audit trail and the request metrics', async () => {
    const { ask, declined, recorded, component } = await setup();
    const READ = { authorization: 'Bearer reader', 'user-agent': 'ci/1' };
    const first = await ask('GET', '/api/v1/gates/checkout?env=production', READ);
    const second = await ask('GET', '/api/v1/gates/checkout?env=production', READ);
    expect(declined).toEqual([]);
    expect(first.status).toBe(200);
    expect(JSON.parse(first.body)).toMatchObject({ decision: 'deny', allowed: false, environment: 'production', via: 'gate', policy: 'sloe-default' });
    expect(JSON.parse(second.body).id).not.toBe(JSON.parse(first.body).id);
    expect(recorded).toEqual([`GET ${GATE_ROUTE} 200`, `GET ${GATE_ROUTE} 200`]);
    // One audit entry for the caller's two identical questions.
    expect(component.gates.decisions({ limit: 10 }).data).toEqual([expect.objectContaining({ caller: 'gate:ci/1', count: 2, decision: 'deny' })]);
    // An override label from the admin token is honoured on the fast path too.
    const overridden = await ask('GET', '/api/v1/gates/checkout?env=production&label=type=security', { authorization: 'Bearer admin' });
    expect(declined).toEqual([]);
    expect(JSON.parse(overridden.body)).toMatchObject({ decision: 'allow', allowed: true, override: 'type=security' });
    const notAdmin = await ask('GET', '/api/v1/gates/checkout?env=production&label=type=security', READ);
    expect(JSON.parse(notAdmin.body)).toMatchObject({ decision: 'deny', allowed: false });
  });

  it('sends the body decideJson renders for the same question, and counts both answers alike', async () => {
    const { ask, component } = await setup();
    const question = { service: 'checkout', environment: 'production', admin: false, caller: 'ci/2', via: 'gate' } as const;
    const fast = await ask('GET', '/api/v1/gates/checkout?env=production', { authorization: 'Bearer reader', 'user-agent': 'ci/2' });
    const json = component.gates.decideJson(question);
    const fastId = (JSON.parse(fast.body) as { id: string }).id;
    expect(fastId).not.toBe(json.id);
    expect(fast.body).toBe(json.body.replace(`"id":"${json.id}"`, `"id":"${fastId}"`));
    expect(component.gates.decisions({ limit: 10 }).data).toEqual([expect.objectContaining({ caller: 'gate:ci/2', count: 2, id: fastId, lastId: json.id })]);
  });

  it('checks every request of a URL it remembers: its caller, its Host, and its questions past the cache\'s bound', async () => {
    const { ask, declined, recorded } = await setup();
    const url = '/api/v1/gates/checkout?env=production';
    expect((await ask('GET', url, { authorization: 'Bearer reader' })).status).toBe(200);
    expect((await ask('GET', url, {})).status).toBe(599);
    expect((await ask('GET', url, { authorization: 'Bearer nope' })).status).toBe(599);
    expect((await ask('GET', url, { authorization: 'Bearer reader', host: 'Example.COM' })).status).toBe(599);
    expect((await ask('GET', url, { authorization: 'Bearer reader' })).status).toBe(200);
    // An admin's override label is honoured, a reader's on the same URL is not: one question each.
    const override = `${url}&label=type=security`;
    expect(JSON.parse((await ask('GET', override, { authorization: 'Bearer reader' })).body)).toMatchObject({ decision: 'deny' });
    expect(JSON.parse((await ask('GET', override, { authorization: 'Bearer admin' })).body)).toMatchObject({ decision: 'allow' });
    expect(JSON.parse((await ask('GET', override, { authorization: 'Bearer reader' })).body)).toMatchObject({ decision: 'deny' });
    expect(declined).toEqual([`GET ${url}`, `GET ${url}`, `GET ${url}`]);
    // More URLs than it remembers: each is still answered, and so is the first one again after.
    for (let n = 0; n < 1100; n++) expect((await ask('GET', `${url}&n=${n}`, { authorization: 'Bearer reader' })).status).toBe(200);
    expect(JSON.parse((await ask('GET', override, { authorization: 'Bearer admin' })).body)).toMatchObject({ decision: 'allow' });
    expect(recorded).toHaveLength(2 + 3 + 1100 + 1);
  });

  it('leaves to hono everything that is not a plain answer, untouched and uncounted', async () => {
    const { ask, declined, recorded, component } = await setup();
    const READ = { authorization: 'Bearer reader' };
    const left: [string, string, Record<string, string>][] = [
      ['POST', '/api/v1/gates/checkout', READ],
      ['HEAD', '/api/v1/gates/checkout', READ],
      ['GET', '/api/v1/gates/checkout', {}],
      ['GET', '/api/v1/gates/checkout', { authorization: 'Bearer nope' }],
      ['GET', '/api/v1/gates/unknown', READ],
      ['GET', '/api/v1/gates/checkout?action=ship', READ],
      ['GET', '/api/v1/gates/checkout?label=broken', READ],
      ['GET', '/api/v1/gates/check%6Fut', READ],
      ['GET', '/api/v1/gates/checkout/', READ],
      ['GET', '/api/v1/gates/', READ],
      ['GET', '/api/v1/gates/x/../checkout', READ],
      ['GET', '/api/v1/gates/checkout', { ...READ, host: 'Example.COM' }],
      ['GET', '/api/v1/slos', READ],
    ];
    for (const [method, path, headers] of left) expect((await ask(method, path, headers)).status).toBe(599);
    expect(declined).toEqual(left.map(([method, path]) => `${method} ${path}`));
    expect(recorded).toEqual([]);
    expect(component.gates.decisions({ limit: 10 }).data).toEqual([]);
  });
});
