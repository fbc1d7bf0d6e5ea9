import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js';
import { Hono } from 'hono';
import { z } from 'zod';
import type { Component, HistoryReader, StatusReader } from '../core/index.js';
import { HOUR, MINUTE, SloeError } from '../core/index.js';

/**
 * The review reads the tools `get_report` and `explain_budget` make, handed in by app (adapters do not import each
 * other). Times are text, Unix seconds or RFC 3339, parsed as the HTTP API parses them; a bad one throws a SloeError.
 */
export interface McpReviews {
  /** The SLO report; a string when Markdown was asked for. */
  report(query: { services: string[]; slos: string[]; from?: string; to?: string; format: 'json' | 'markdown' }): unknown;
  /** What spent an objective's budget; undefined for an unknown objective. */
  explainBudget(query: { name: string; from?: string; to?: string }): unknown;
}

export interface McpComponentOptions {
  readonly statuses: StatusReader;
  readonly history: HistoryReader;
  /** The gate's answer for a service without recording it (a read-only check). */
  readonly checkGate: (service: string, environment: string | undefined) => unknown;
  readonly reviews: McpReviews;
  readonly clock: () => number;
  readonly version: string;
}

const json = (value: unknown): { content: { type: 'text'; text: string }[] } => ({ content: [{ type: 'text', text: JSON.stringify(value, null, 2) }] });
const text = (value: string): { content: { type: 'text'; text: string }[] } => ({ content: [{ type: 'text', text: value }] });
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
  const time = z.string().optional().describe('Unix seconds or RFC 3339, e.g. 2026-11-26T12:00:00Z');
  mcp.registerTool(
    'explain_budget',
    {
      description:
        'What spent an SLO objective\'s error budget over a range (default: its period up to now): the incidents with the share of the budget each cost, time to detect and resolve, and the stretches that burned faster than the budget allows, each with its burn rate and cost.',
      inputSchema: { name: z.string().describe('SLO name, or slo:objective'), from: time, to: time },
      annotations: readOnly,
    },
    ({ name, from, to }) =>
      answering(() => {
        const explanation = options.reviews.explainBudget({ name, ...(from === undefined ? {} : { from }), ...(to === undefined ? {} : { to }) });
        return explanation === undefined ? failure(`no SLO named ${name}`) : json(explanation);
      }),
  );
  mcp.registerTool(
    'get_report',
    {
      description:
        'The SLO review over a range (default the last 30 days): per SLO the budget spent, compliance per calendar period, the incidents with their cost, time to detect and resolve, and the gate decisions and freezes. Markdown by default, JSON on request.',
      inputSchema: {
        services: z.array(z.string()).default([]).describe('only these services (default every one)'),
        slos: z.array(z.string()).default([]).describe('only these SLOs or objectives'),
        from: time,
        to: time,
        format: z.enum(['markdown', 'json']).default('markdown'),
      },
      annotations: readOnly,
    },
    ({ services, slos, from, to, format }) =>
      answering(() => {
        const report = options.reviews.report({ services, slos, format, ...(from === undefined ? {} : { from }), ...(to === undefined ? {} : { to }) });
        return typeof report === 'string' ? text(report) : json(report);
      }),
  );
  return mcp;
}

/** A tool's answer, or the reason a request was refused (a bad time) as a tool error the model can read and correct. */
function answering(work: () => ReturnType<typeof json>): ReturnType<typeof json> | ReturnType<typeof failure> {
  try {
    return work();
  } catch (error) {
    if (error instanceof SloeError && error.status < 500) return failure(error.message);
    throw error;
  }
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
