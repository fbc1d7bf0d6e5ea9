import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer } from '../api/index.js';
import type { RunningServer } from '../api/index.js';
import type { BackfillStatus } from '../core/index.js';
import { runCli } from '../../test/helpers/cli.js';

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const { code, stdout, stderr } = await runCli(['backfill', ...args]);
  return { code, out: stdout, err: stderr };
}

const FROM = '2026-11-01T00:00:00.000Z';
const TO = '2026-12-01T00:00:00.000Z';

describe('sloe backfill', () => {
  let server: RunningServer;
  let url: string;
  let asked: unknown[] = [];
  /** The progress the daemon reports on each read of /api/v1/slos. */
  let script: BackfillStatus[] = [];

  beforeAll(async () => {
    const app = new Hono();
    app.post('/api/v1/backfill', async (c) => {
      const body = await c.req.json<{ slos?: string[] }>();
      asked.push(body);
      if (body.slos?.includes('nope')) return c.json({ error: { code: 'not_found', message: 'no SLO is named nope' } }, 404);
      return c.json({ data: { objectives: ['api'] } }, 202);
    });
    app.get('/api/v1/slos', (c) => c.json({ data: [{ name: 'api', errorBudget: {}, backfill: script.shift() ?? { state: 'done', progress: 1, from: FROM, to: TO } }, { name: 'other', errorBudget: {} }] }));
    server = await startServer(app, '127.0.0.1:0');
    url = `http://127.0.0.1:${server.address.port}`;
  });

  afterAll(async () => {
    await server.close(100);
  });

  it('starts a backfill of the named SLOs and shows a progress bar until it is done', async () => {
    asked = [];
    script = [
      { state: 'running', progress: 0.25, from: FROM, to: TO },
      { state: 'running', progress: 0.5, from: FROM, to: TO },
    ];
    const { code, out } = await run(['--url', url, '--slo', 'api', '--interval', '50']);
    expect(code).toBe(0);
    expect(asked).toEqual([{ slos: ['api'] }]);
    const lines = out.trimEnd().split('\n');
    expect(lines[0]).toBe('backfilling api');
    expect(lines[1]).toBe(`[########......................]  25.0% running api ${FROM} .. ${TO}`);
    expect(lines[2]).toContain(`[###############...............]  50.0% running`);
    expect(lines[3]).toContain('[##############################] 100.0% done');
    expect(lines[4]).toBe('backfill done');
  });

  it('exits 1 with the reason when a backfill fails, 2 when the daemon refuses or is unreachable', async () => {
    script = [{ state: 'failed', progress: 0.1, from: FROM, to: TO, reason: 'source prom: unreachable (ECONNREFUSED)' }];
    const failed = await run(['--url', url, '--interval', '50']);
    expect(failed.code).toBe(1);
    expect(failed.err).toContain('api: source prom: unreachable (ECONNREFUSED)');
    const refused = await run(['--url', url, '--slo', 'nope']);
    expect(refused.code).toBe(2);
    expect(refused.err).toBe('sloe backfill: the daemon answered HTTP 404: no SLO is named nope\n');
    const closed = await startServer(new Hono(), '127.0.0.1:0');
    const closedUrl = `http://127.0.0.1:${closed.address.port}`;
    await closed.close(100);
    expect((await run(['--url', closedUrl])).code).toBe(2);
  });
});
