import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { errorResponse } from '../api/errors.js';
import { authenticate } from '../auth/index.js';
import type { SloStatus } from '../core/index.js';
import { createMcp } from './component.js';

const status = { name: 'checkout-availability', service: 'checkout', objective: 0.999, window: '30d', sli: 0.9995, errorBudget: { total: 0.001, consumed: 0.5, remaining: 0.5 }, status: 'ok' } as SloStatus;

function app(): Hono {
  const component = createMcp({
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
    expect(tools.tools.map((tool) => tool.name).sort()).toEqual(['check_gate', 'get_history', 'get_slo', 'list_slos']);
    const slo = JSON.parse(textOf(await mcp.callTool({ name: 'get_slo', arguments: { name: 'checkout-availability' } }))) as SloStatus;
    expect(slo.errorBudget.remaining).toBe(0.5);
    const gate = JSON.parse(textOf(await mcp.callTool({ name: 'check_gate', arguments: { service: 'checkout' } }))) as { decision: string };
    expect(gate.decision).toBe('allow');
    const unknown = await mcp.callTool({ name: 'get_slo', arguments: { name: 'nope' } });
    expect(unknown.isError).toBe(true);
    await mcp.close();
  });

  it('refuses a wrong token', async () => {
    const { client: mcp, transport } = client('wrong');
    await expect(mcp.connect(transport)).rejects.toThrow(/does not grant read scope/);
    const raw = await app().request('/mcp', { method: 'POST', headers: { authorization: 'Bearer wrong', 'content-type': 'application/json', accept: 'application/json, text/event-stream' }, body: '{"jsonrpc":"2.0","id":1,"method":"tools/list"}' });
    expect(raw.status).toBe(401);
  });
});
