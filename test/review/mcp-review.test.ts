import { rmSync } from 'node:fs';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorResponse } from '../../src/api/errors.js';
import { authenticate } from '../../src/auth/index.js';
import { DAY, MINUTE } from '../../src/core/index.js';
import { createMcp } from '../../src/mcp/index.js';
import type { BudgetExplanation, Report, ReviewComponent } from '../../src/review/index.js';
import type { SqliteStore } from '../../src/store/index.js';
import { BURN, OBJECTIVE, PERIOD_MINUTES, REQUESTS_PER_MINUTE, SLO_NAME, startReviewRig } from './stream.js';
import type { Stream } from './stream.js';

// The known stream: three clean days up to START, 30 clean minutes, an hour at 30× (START+30m to START+90m), then
// an hour clean. The explained range is the whole stream in whole hours from its first minute.
const START = Date.UTC(2026, 10, 30, 22, 0);
const FROM = START - 3 * DAY;
const TO = START + 150 * MINUTE;
const iso = (ms: number): string => new Date(ms).toISOString();

let dir: string;
let store: SqliteStore;
let stream: Stream;
let reviews: ReviewComponent;
let mcp: Client;

/** The MCP server as the daemon composes it (compose.ts), behind the read token, reached through the SDK's client. */
async function connect(stream: Stream, reviews: ReviewComponent): Promise<Client> {
  const component = createMcp({
    statuses: stream.engine.ports.statuses,
    history: stream.engine.ports.history,
    checkGate: () => ({ decision: 'allow' }),
    reviews: { report: (query) => reviews.reportFor(query), explainBudget: (query) => reviews.explainBudget(query) },
    clock: () => stream.now,
    version: '0.0.0-test',
  });
  const http = new Hono();
  http.onError(errorResponse);
  http.use('*', authenticate({ readToken: 'reader' }));
  for (const routes of component.routes ?? []) http.route('/', routes);
  const transport = new StreamableHTTPClientTransport(new URL('http://sloe.test/mcp'), {
    requestInit: { headers: { authorization: 'Bearer reader' } },
    fetch: async (url, init) => http.request(String(url), init),
  });
  const client = new Client({ name: 'review-test', version: '1.0.0' });
  await client.connect(transport);
  return client;
}

const textOf = (result: unknown): string => (result as { content: { text: string }[] }).content[0]?.text ?? '';

async function explain(args: Record<string, string>, client: Client = mcp): Promise<BudgetExplanation> {
  const result = await client.callTool({ name: 'explain_budget', arguments: args });
  expect(result.isError, textOf(result)).toBeFalsy();
  return JSON.parse(textOf(result)) as BudgetExplanation;
}

beforeAll(async () => {
  ({ dir, store, reviews, stream } = await startReviewRig('sloe-mcp-review-', START));
  await stream.run(30, 0);
  await stream.run(60, BURN);
  // One minute past the range: a minute's increase lands once the next sample shows it.
  await stream.run(61, 0);
  mcp = await connect(stream, reviews);
}, 60_000);

afterAll(async () => {
  await mcp?.close();
  await stream.stop();
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('MCP explain_budget and get_report over a known stream, through the SDK client', () => {
  it('explain_budget: the incident and the stretch that burned, with figures against hand computation', async () => {
    const answer = await explain({ name: SLO_NAME, from: iso(FROM), to: iso(TO) });
    // 1800 bad requests (60 minutes × 1000 × 3 %) against a period's allowance of 0.001 × 1000 × 43 200: 4.17 %.
    const bad = 60 * REQUESTS_PER_MINUTE * BURN * (1 - OBJECTIVE);
    const spent = bad / ((1 - OBJECTIVE) * REQUESTS_PER_MINUTE * PERIOD_MINUTES);
    expect(answer.budgetSpent).toBeCloseTo(spent, 6);
    expect(answer.events.total - answer.events.good).toBeCloseTo(bad, 3);
    expect(answer.events.total).toBeCloseTo(((TO - FROM) / MINUTE) * REQUESTS_PER_MINUTE, 0);
    // The burn straddles two clock hours, 30 minutes in each: one stretch of two hours at an average of 15×.
    expect(answer.burnWindows).toHaveLength(1);
    const [stretch] = answer.burnWindows;
    expect([stretch?.from, stretch?.to]).toEqual([iso(START), iso(START + 120 * MINUTE)]);
    expect(stretch?.burnRate).toBeCloseTo(15, 6);
    expect(stretch?.budgetSpent).toBeCloseTo(spent, 6);
    expect(stretch?.shareOfSpend).toBeCloseTo(1, 6);
    expect(answer.spentElsewhere).toBeCloseTo(0, 9);
    // The incident the burn opened: its cost is the same hour at 30×, paged 2 minutes after it went pending.
    expect(answer.incidents).toHaveLength(1);
    const [incident] = answer.incidents;
    expect(incident?.budgetSpent).toBeCloseTo(spent, 3);
    expect(incident?.shareOfSpend).toBeCloseTo(1, 1);
    expect(incident?.timeToDetectSeconds).toBe(120);
    expect(answer.incidentBudgetSpent).toBeCloseTo(incident?.budgetSpent ?? Number.NaN, 12);
    expect(answer.summary).toContain(`${SLO_NAME} spent 4.2 % of a period's error budget`);
    expect(answer.summary).toContain('1 incident cost 4.2 %');
  });

  it('explain_budget: the period up to now by default; a quiet range spent nothing; bad input is a tool error', async () => {
    const whole = await explain({ name: SLO_NAME });
    expect([whole.from, whole.to]).toEqual([iso(stream.now - 30 * DAY), iso(stream.now)]);
    expect(whole.burnWindows[0]?.budgetSpent).toBeGreaterThan(0.04);
    const quiet = await explain({ name: SLO_NAME, from: iso(FROM), to: iso(START) });
    expect(quiet.budgetSpent).toBe(0);
    expect(quiet.burnWindows).toEqual([]);
    expect(quiet.incidents).toEqual([]);
    expect(quiet.summary).toContain('No incident was opened in the range.');
    const before = await explain({ name: SLO_NAME, from: iso(FROM - 10 * DAY), to: iso(FROM - 5 * DAY) });
    expect(before.budgetSpent).toBeNull();
    expect(before.summary).toContain('had no events');
    const unknown = await mcp.callTool({ name: 'explain_budget', arguments: { name: 'nope' } });
    expect(unknown.isError).toBe(true);
    const backwards = await mcp.callTool({ name: 'explain_budget', arguments: { name: SLO_NAME, from: iso(TO), to: iso(FROM) } });
    expect(backwards.isError).toBe(true);
    expect(textOf(backwards)).toContain('must be before to');
  });

  it('get_report: the report the API gives, as JSON or Markdown', async () => {
    const range = { from: iso(START - DAY), to: iso(TO) };
    const json = JSON.parse(textOf(await mcp.callTool({ name: 'get_report', arguments: { ...range, services: ['api'], format: 'json' } }))) as Report;
    const direct = reviews.report({ services: ['api'] }, { from: START - DAY, to: TO });
    expect({ ...json, generatedAt: '' }).toEqual({ ...direct, generatedAt: '' });
    expect(json.services[0]?.slos[0]?.budgetSpent).toBeCloseTo(0.041667, 5);
    const markdown = textOf(await mcp.callTool({ name: 'get_report', arguments: range }));
    expect(markdown).toMatch(/^# SLO report 2026-11-29 22:00Z to 2026-12-01 00:30Z/);
    expect(markdown).toContain('| api-availability | 99.90 % | 99.887 % | 4.2 % |');
    const bad = await mcp.callTool({ name: 'get_report', arguments: { from: 'last week' } });
    expect(bad.isError).toBe(true);
    expect(textOf(bad)).toContain('from: "last week" is not a time');
  });
});

describe('explain_budget over two bursts and a steady burn at 1×: the costliest first, the steady spend apart', () => {
  let otherDir: string;
  let otherStore: SqliteStore;
  let other: Stream;
  let client: Client;

  beforeAll(async () => {
    let otherReviews: ReviewComponent;
    ({ dir: otherDir, store: otherStore, reviews: otherReviews, stream: other } = await startReviewRig('sloe-mcp-explain-', START));
    // Minutes from START: 40 at 30× inside the second hour, 30 at 50× inside the fifth, then 300 at 1× (one error a
    // minute: exactly the rate the budget allows, so no window of its own); never on an hour's edge, so each burst lies
    // in one clock hour.
    await other.run(70, 0);
    await other.run(40, BURN);
    await other.run(140, 0);
    await other.run(30, 50);
    await other.run(120, 0);
    await other.run(300, 1);
    await other.run(61, 0);
    client = await connect(other, otherReviews);
  }, 120_000);

  afterAll(async () => {
    await client?.close();
    await other?.stop();
    otherStore?.close();
    rmSync(otherDir, { recursive: true, force: true });
  });

  it('ranks the windows by cost, and what went at 1 or less is the slow spend', async () => {
    const end = START + 760 * MINUTE;
    const answer = await explain({ name: SLO_NAME, from: iso(FROM), to: iso(end) }, client);
    // Burn-minutes over a 43 200-minute period: 30 × 40 = 1200, 50 × 30 = 1500, 1 × 300 = 300.
    const cost = (burnMinutes: number): number => burnMinutes / PERIOD_MINUTES;
    expect(answer.budgetSpent).toBeCloseTo(cost(1200 + 1500 + 300), 6);
    expect(answer.burnWindows.map((window) => [window.from, window.to])).toEqual([
      [iso(START + 240 * MINUTE), iso(START + 300 * MINUTE)],
      [iso(START + 60 * MINUTE), iso(START + 120 * MINUTE)],
    ]);
    // An hour holding 30 minutes at 50× burns at 25× on average; one holding 40 minutes at 30×, at 20×.
    expect(answer.burnWindows.map((window) => window.burnRate)).toEqual([expect.closeTo(25, 6), expect.closeTo(20, 6)]);
    expect(answer.burnWindows[0]?.budgetSpent).toBeCloseTo(cost(1500), 6);
    expect(answer.burnWindows[1]?.budgetSpent).toBeCloseTo(cost(1200), 6);
    expect(answer.burnWindows[0]?.shareOfSpend).toBeCloseTo(1500 / 3000, 6);
    expect(answer.spentInBurnWindows).toBeCloseTo(cost(2700), 6);
    expect(answer.spentElsewhere).toBeCloseTo(cost(300), 6);
    expect(answer.summary).toContain('went at a burn rate of 1 or less');
    // Both bursts opened an incident; the costlier is listed first.
    expect(answer.incidents).toHaveLength(2);
    expect(Date.parse(answer.incidents[0]?.startedAt ?? '')).toBeGreaterThan(START + 240 * MINUTE);
    expect(answer.incidents[0]?.budgetSpent).toBeGreaterThan(answer.incidents[1]?.budgetSpent ?? Infinity);
  });
});
