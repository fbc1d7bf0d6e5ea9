import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { errorResponse } from '../api/errors.js';
import { authenticate } from '../auth/index.js';
import type { SloStatus } from '../core/index.js';
import { SloeError } from '../core/index.js';
import { createMcp } from './component.js';
import type { McpReviews } from './component.js';

const status = { name: 'checkout-availability', service: 'checkout', objective: 0.999, window: '30d', sli: 0.9995, errorBudget: { total: 0.001, consumed: 0.5, remaining: 0.5 }, status: 'ok' } as SloStatus;

/** What the review tools were asked, so the tests see the arguments pass through with their defaults. */
const asked: unknown[] = [];
const reviews: McpReviews = {
  report: (query) => {
    asked.push(query);
    if (query.from === 'yesterday') throw new SloeError('bad_request', 'from: "yesterday" is not a time', { status: 400 });
    return query.format === 'markdown' ? '# SLO report\n' : { services: [] };
  },
  explainBudget: (query) => {
    asked.push(query);
    return query.name === status.name ? { name: query.name, budgetSpent: 0.5 } : undefined;
  },
};

function app(): Hono {
  const component = createMcp({
    reviews,
    statuses: { latest: () => [status], get: (name) => (name === status.name ? status : undefined) },
    history: { history: () => undefined },
    checkGate: (service) => ({ service, decision: service === 'checkout' ? 'allow' : 'deny', reasons: ['budget remaining 50.0 %'] }),
    clock: () => Date.UTC(2026, 11, 6),
    version: '0.0.0-test',
  });
  const http = new Hono();
  http.onError(errorResponse);
  http.use('*', authenticate({ readToken: 'reader' }));
  for (const routes of component.routes ?? []) http.route('/', routes);
  return http;
}

function client(token: string): { client: Client; transport: StreamableHTTPClientTransport } {
  const http = app();
  const transport = new StreamableHTTPClientTransport(new URL('http://sloe.test/mcp'), {
    requestInit: { headers: { authorization: `Bearer ${token}` } },
    fetch: async (url, init) => http.request(String(url), init),
  });
  return { client: new Client({ name: 'test', version: '1.0.0' }), transport };
}

const textOf = (result: unknown): string => ((result as { content: { text: string }[] }).content[0]?.text ?? '');

describe('MCP server at POST /mcp, through the SDK client', () => {
  it('lists the tools, gets an SLO and a gate answer', async () => {
    const { client: mcp, transport } = client('reader');
    await mcp.connect(transport);
    const tools = await mcp.listTools();
    expect(tools.tools.map((tool) => tool.name).sort()).toEqual(['check_gate', 'explain_budget', 'get_history', 'get_report', 'get_slo', 'list_slos']);
    expect(tools.tools.every((tool) => tool.annotations?.readOnlyHint === true)).toBe(true);
    const slo = JSON.parse(textOf(await mcp.callTool({ name: 'get_slo', arguments: { name: 'checkout-availability' } }))) as SloStatus;
    expect(slo.errorBudget.remaining).toBe(0.5);
    const gate = JSON.parse(textOf(await mcp.callTool({ name: 'check_gate', arguments: { service: 'checkout' } }))) as { decision: string };
    expect(gate.decision).toBe('allow');
    const unknown = await mcp.callTool({ name: 'get_slo', arguments: { name: 'nope' } });
    expect(unknown.isError).toBe(true);
    await mcp.close();
  });

  it('passes the review tools\' arguments through, and a bad time comes back as a tool error with the reason', async () => {
    const { client: mcp, transport } = client('reader');
    await mcp.connect(transport);
    asked.length = 0;
    expect(textOf(await mcp.callTool({ name: 'get_report', arguments: { services: ['checkout'] } }))).toBe('# SLO report\n');
    expect(JSON.parse(textOf(await mcp.callTool({ name: 'get_report', arguments: { format: 'json', from: '1700000000' } })))).toEqual({ services: [] });
    const bad = await mcp.callTool({ name: 'get_report', arguments: { from: 'yesterday' } });
    expect(bad.isError).toBe(true);
    expect(textOf(bad)).toBe('from: "yesterday" is not a time');
    expect(JSON.parse(textOf(await mcp.callTool({ name: 'explain_budget', arguments: { name: status.name } })))).toEqual({ name: status.name, budgetSpent: 0.5 });
    expect((await mcp.callTool({ name: 'explain_budget', arguments: { name: 'nope', to: '2026-12-01T00:00:00Z' } })).isError).toBe(true);
    expect(asked).toEqual([
      { services: ['checkout'], slos: [], format: 'markdown' },
      { services: [], slos: [], format: 'json', from: '1700000000' },
      { services: [], slos: [], format: 'markdown', from: 'yesterday' },
      { name: status.name },
      { name: 'nope', to: '2026-12-01T00:00:00Z' },
    ]);
    await mcp.close();
  });

  it('refuses a wrong token', async () => {
    const { client: mcp, transport } = client('wrong');
    await expect(mcp.connect(transport)).rejects.toThrow(/does not grant read scope/);
    const raw = await app().request('/mcp', { method: 'POST', headers: { authorization: 'Bearer wrong', 'content-type': 'application/json', accept: 'application/json, text/event-stream' }, body: '{"jsonrpc":"2.0","id":1,"method":"tools/list"}' });
    expect(raw.status).toBe(401);
  });
});
