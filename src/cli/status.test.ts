import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer } from '../api/index.js';
import type { RunningServer } from '../api/index.js';
import { BUDGET_ORDER, STATUSES } from '../../test/ui/fixtures.js';
import { runCli } from '../../test/helpers/cli.js';

async function run(args: string[], env: Record<string, string> = {}, isTTY = false): Promise<{ code: number; out: string; err: string }> {
  const { code, stdout, stderr } = await runCli(['status', ...args], { env, isTTY });
  return { code, out: stdout, err: stderr };
}

describe('sloe status', () => {
  let server: RunningServer;
  let url: string;
  let closedUrl: string;

  beforeAll(async () => {
    const app = new Hono();
    app.get('/api/v1/slos', (c) => (c.req.header('authorization') === 'Bearer wrong' ? c.json({ error: { code: 'unauthorized', message: 'the bearer token does not grant read scope' } }, 401) : c.json({ data: STATUSES })));
    server = await startServer(app, '127.0.0.1:0');
    url = `http://127.0.0.1:${server.address.port}`;
    const closed = await startServer(new Hono(), '127.0.0.1:0');
    closedUrl = `http://127.0.0.1:${closed.address.port}`;
    await closed.close(100);
  });

  afterAll(async () => {
    await server.close(100);
  });

  it('prints every SLO lowest budget first, with objective, SLI, budget, burn rates, alerts and status', async () => {
    const { code, out } = await run(['--url', url]);
    expect(code).toBe(0);
    const lines = out.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^SLO\s+SERVICE\s+OBJECTIVE\s+SLI\s+BUDGET LEFT\s+COVERAGE\s+BURN RATES\s+ALERTS\s+STATUS$/);
    expect(lines.slice(1).map((line) => line.split(/\s+/)[0])).toEqual(BUDGET_ORDER);
    const exhausted = lines[1] ?? '';
    expect(exhausted).toContain('99.90%');
    expect(exhausted).toContain('-8.0%');
    expect(exhausted).toContain('40.0%'); // coverage: data for 40 % of the period (the fixture's)
    expect(exhausted).toContain('5m:17.60');
    expect(exhausted).toContain('page:firing ticket:firing');
    expect(lines.find((line) => line.startsWith('checkout-latency'))).toContain('page:firing ticket:firing');
    expect(exhausted.endsWith('exhausted')).toBe(true);
    expect(out).not.toContain('\u001b[');
  });

  it('colours on a terminal, unless NO_COLOR or --no-colour', async () => {
    const coloured = await run(['--url', url], {}, true);
    expect(coloured.out).toContain('\u001b[31m');
    expect(coloured.out).toContain('\u001b[32mok');
    expect((await run(['--url', url], { NO_COLOR: '1' }, true)).out).not.toContain('\u001b[');
    expect((await run(['--url', url, '--no-colour'], {}, true)).out).not.toContain('\u001b[');
  });

  it('reads the URL from SLOE_URL and prints JSON on request', async () => {
    const { code, out } = await run(['--json'], { SLOE_URL: url });
    expect(code).toBe(0);
    expect((JSON.parse(out) as { name: string }[]).map((slo) => slo.name)).toEqual(STATUSES.map((slo) => slo.name));
  });

  it('exits 2 when the daemon is unreachable or refuses', async () => {
    const unreachable = await run(['--url', closedUrl]);
    expect(unreachable.code).toBe(2);
    expect(unreachable.err).toContain(`cannot reach ${closedUrl}`);
    const refused = await run(['--url', url, '--token', 'wrong']);
    expect(refused.code).toBe(2);
    expect(refused.err).toContain('HTTP 401: the bearer token does not grant read scope');
  });
});
