import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js';
import { Hono } from 'hono';
import { z } from 'zod';
import type { Component, HistoryReader, StatusReader } from '../core/index.js';
import { HOUR, MINUTE } from '../core/index.js';

export interface McpComponentOptions {
  readonly statuses: StatusReader;
  readonly history: HistoryReader;
  /** The gate's answer for a service without recording it (a read-only check). */
  readonly checkGate: (service: string, environment: string | undefined) => unknown;
  readonly clock: () => number;
  readonly version: string;
}

const json = (value: unknown): { content: { type: 'text'; text: string }[] } => ({ content: [{ type: 'text', text: JSON.stringify(value, null, 2) }] });
const failure = (message: string): { content: { type: 'text'; text: string }[]; isError: true } => ({ content: [{ type: 'text', text: message }], isError: true });

/** One server per request: the transport is stateless (no sessions), so replicas answer alike and nothing is held. */
function server(options: McpComponentOptions): McpServer {
  const mcp = new McpServer({ name: 'sloe', version: options.version });
  const readOnly = { readOnlyHint: true, openWorldHint: false };
  mcp.registerTool('list_slos', { description: 'Every SLO objective with its SLI, error budget remaining, burn rates and status.', annotations: readOnly }, () =>
    json(options.statuses.latest().map((status) => ({ name: status.name, service: status.service, objective: status.objective, window: status.window, sli: status.sli, budgetRemaining: status.errorBudget.remaining, status: status.status }))),
  );
  mcp.registerTool('get_slo', { description: 'The full status of one SLO objective (SloStatus).', inputSchema: { name: z.string().describe('SLO name, or slo:objective') }, annotations: readOnly }, ({ name }) => {
    const status = options.statuses.get(name);
    return status ? json(status) : failure(`no SLO named ${name}`);
  });
  mcp.registerTool(
    'check_gate',
    { description: 'What the release gate would answer for a service now (allow, warn or deny, with reasons); not recorded.', inputSchema: { service: z.string(), env: z.string().optional() }, annotations: readOnly },
    ({ service, env }) => json(options.checkGate(service, env)),
  );
  mcp.registerTool(
    'get_history',
    {
      description: 'An SLO objective\'s SLI, budget remaining and burn rates over time.',
      inputSchema: { name: z.string(), hours: z.number().positive().max(24 * 90).default(24), stepMinutes: z.number().positive().default(60) },
      annotations: readOnly,
    },
    ({ name, hours, stepMinutes }) => {
      const to = options.clock();
      const step = stepMinutes * MINUTE;
      if ((hours * HOUR) / step > 2000) return failure('too many points: raise stepMinutes');
      const points = options.history.history(name, to - hours * HOUR, to, step);
      return points ? json(points.map((point) => ({ ...point, t: new Date(point.t).toISOString() }))) : failure(`no SLO named ${name}`);
    },
  );
  return mcp;
}

/**
 * `POST /mcp`: a Model Context Protocol server (streamable HTTP transport, JSON-RPC 2.0, JSON responses), read-only,
 * behind the read token like every read route (the one route table declares it).
 */
export function createMcp(options: McpComponentOptions): Component<Hono> {
  const routes = new Hono();
  routes.post('/mcp', async (c) => {
    const transport = new WebStandardStreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
    const mcp = server(options);
    await mcp.connect(transport);
    try {
      return await transport.handleRequest(c.req.raw);
    } finally {
      await mcp.close();
    }
  });
  return { name: 'mcp', routes: [routes] };
}
