/**
 * Composite SLOs through the running daemon (issue 15): three member SLOs fed by Prometheus remote-write over HTTP,
 * composites by both methods and one nested a level, read back through the API, history, /metrics and `/-/reload`.
 * Every expected figure is computed here plainly from the raw samples sent, and checked against hand-worked numbers.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDaemon } from '../../src/app/index.js';
import type { Daemon } from '../../src/app/index.js';
import type { SloStatus } from '../../src/core/index.js';
import { REMOTE_WRITE_HEADERS, remoteWriteBody } from '../helpers/remote-write-encoder.js';
import type { FastSeries } from '../helpers/remote-write-encoder.js';
import { logSink, workspace } from './daemon-fixture.js';
import type { Workspace } from './daemon-fixture.js';
import { compositeSpec, memberSpec } from '../helpers/composite-specs.js';

const MINUTE = 60_000;

const TARGETS = { login: 0.999, cart: 0.99, pay: 0.995 } as const;
type Member = keyof typeof TARGETS;
/** Requests and errors per minute: error ratios 0.001, 0.02 and 0.005, so budgets consumed 1, 2 and 1. */
const TRAFFIC: Readonly<Record<Member, { requests: number; errors: number }>> = { login: { requests: 1000, errors: 1 }, cart: { requests: 500, errors: 10 }, pay: { requests: 200, errors: 1 } };
const MINUTES = 60;

/** Every sample sent, per member and code, oldest first: what the oracle reads. */
const sent = new Map<string, { t: number; value: number }[]>();

/** Sends one sample per series per minute, each minute its own remote-write request, as a Prometheus would. */
async function sendTraffic(url: string, end: number): Promise<void> {
  for (let minute = 0; minute <= MINUTES; minute++) {
    const t = end - (MINUTES - minute) * MINUTE;
    const series: FastSeries[] = [];
    for (const [job, { requests, errors }] of Object.entries(TRAFFIC)) {
      // Counters start at zero, so the first sample holds no events however a reader treats a new series.
      for (const [code, value] of [['200', minute * (requests - errors)], ['500', minute * errors]] as const) {
        const key = `${job}/${code}`;
        sent.set(key, [...(sent.get(key) ?? []), { t, value }]);
        series.push({ labels: [['__name__', 'requests_total'], ['code', code], ['job', job]], value, timestamp: t });
      }
    }
    const response = await fetch(`${url}/api/v1/write`, { method: 'POST', headers: REMOTE_WRITE_HEADERS, body: new Uint8Array(remoteWriteBody(series)) });
    expect(response.status, await response.text()).toBe(204);
  }
}

/** The oracle: a member's good and total events, from the first and last sample of each counter sent. */
function memberEvents(job: Member): { good: number; total: number; bad: number } {
  const increase = (code: string) => {
    const samples = sent.get(`${job}/${code}`) ?? [];
    return (samples.at(-1)?.value ?? 0) - (samples[0]?.value ?? 0);
  };
  const good = increase('200');
  const bad = increase('500');
  return { good, bad, total: good + bad };
}

/** weightedAverage: good and total summed with the weights; its SLI is good / total. */
function weightedAverage(members: readonly { events: { good: number; total: number }; weight: number }[]): { good: number; total: number } {
  let good = 0;
  let total = 0;
  for (const member of members) {
    good += member.weight * member.events.good;
    total += member.weight * member.events.total;
  }
  return { good, total };
}

async function getJson<T>(url: string): Promise<{ status: number; body: T }> {
  const response = await fetch(url);
  return { status: response.status, body: (await response.json()) as T };
}

function writeSpecs(space: Workspace, weights: { pay: number }, worstMethod: string): void {
  for (const [name, target] of Object.entries(TARGETS)) space.write(`${name}.yaml`, memberSpec(name, target));
  space.write(
    'journeys.yaml',
    [
      compositeSpec('checkout-weighted', 'weightedAverage', 0.99, `[ { slo: login }, { slo: cart }, { slo: pay, weight: ${weights.pay} } ]`),
      compositeSpec('checkout-worst', worstMethod, 0.999, '[ { slo: login }, { slo: cart }, { slo: pay } ]'),
      compositeSpec('journey', 'weightedAverage', 0.99, '[ { slo: checkout-weighted }, { slo: login } ]'),
    ].join('---\n'),
  );
}

async function waitFor(url: string, name: string, done: (status: SloStatus) => boolean): Promise<SloStatus> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const { body } = await getJson<SloStatus>(`${url}/api/v1/slos/${name}`);
    if (done(body)) return body;
    if (Date.now() > deadline) throw new Error(`${name} did not settle within 30 s: ${JSON.stringify(body)}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

describe('composite SLOs through the running daemon', () => {
  let daemon: Daemon;
  let space: Workspace;
  let end: number;

  beforeAll(async () => {
    space = workspace();
    writeSpecs(space, { pay: 2 }, 'leastHealthy');
    daemon = await startDaemon(space.config({}, { SLOE_EVALUATION_INTERVAL: '300ms' }), { env: {}, logDestination: logSink().stream });
    end = Math.floor(Date.now() / MINUTE) * MINUTE;
    await sendTraffic(daemon.url, end);
    const login = memberEvents('login');
    // Settled: an evaluation after the last request has seen every member's events.
    await waitFor(daemon.url, 'journey', (status) => status.composite?.members.find((member) => member.name === 'login')?.sli !== null && status.events.total > 0);
    await waitFor(daemon.url, 'login', (status) => Math.abs(status.events.total - login.total) < 1e-6);
  }, 120_000);

  afterAll(async () => {
    await daemon?.stop();
  });

  it('weightedAverage: the weighted events of its members, and each member\'s share of its burn', async () => {
    const login = memberEvents('login');
    const cart = memberEvents('cart');
    const pay = memberEvents('pay');
    // By hand: per minute (999 + 490 + 2 x 199) good of (1000 + 500 + 2 x 200) = 1887 / 1900, for 60 minutes.
    expect([login.total, cart.total, pay.total]).toEqual([60_000, 30_000, 12_000]);
    const expected = weightedAverage([{ events: login, weight: 1 }, { events: cart, weight: 1 }, { events: pay, weight: 2 }]);
    expect(expected).toEqual({ good: 1887 * 60, total: 1900 * 60 });
    const { status, body } = await getJson<SloStatus>(`${daemon.url}/api/v1/slos/checkout-weighted`);
    expect(status).toBe(200);
    expect(body.events.total).toBeCloseTo(expected.total, 6);
    expect(body.sli).toBeCloseTo(expected.good / expected.total, 9);
    const burn = (1 - expected.good / expected.total) / (1 - 0.99);
    expect(body.errorBudget.consumed).toBeCloseTo(burn, 9);
    expect(body.burnRates['1h']).toBeCloseTo(burn, 9);
    expect(burn).toBeCloseTo(13 / 1900 / 0.01, 12);
    // Shares: weighted bad events over all weighted bad events, 1 : 10 : 2 x 1 by hand.
    const bad = login.bad + cart.bad + 2 * pay.bad;
    expect(body.composite?.members.map((member) => [member.name, member.weight, member.share])).toEqual([
      ['login', 1, expect.closeTo(login.bad / bad, 9)],
      ['cart', 1, expect.closeTo(cart.bad / bad, 9)],
      ['pay', 2, expect.closeTo((2 * pay.bad) / bad, 9)],
    ]);
    expect(cart.bad / bad).toBeCloseTo(10 / 13, 12);
  });

  it('leastHealthy: the member with the most budget consumed decides, rescaled to the composite\'s objective', async () => {
    const consumed = (Object.keys(TARGETS) as Member[]).map((job) => {
      const events = memberEvents(job);
      return { job, consumed: events.bad / events.total / (1 - TARGETS[job]) };
    });
    const decider = consumed.reduce((worst, member) => (member.consumed > worst.consumed ? member : worst));
    expect(decider.job).toBe('cart');
    expect(decider.consumed).toBeCloseTo(2, 12);
    const { body } = await getJson<SloStatus>(`${daemon.url}/api/v1/slos/checkout-worst`);
    // Against 99.9 %: an error ratio of 2 x 0.001, so SLI 0.998, budget remaining 1 - 2 = -1, every burn rate 2.
    expect(body.sli).toBeCloseTo(1 - decider.consumed * (1 - 0.999), 9);
    expect(body.errorBudget.remaining).toBeCloseTo(1 - decider.consumed, 9);
    expect(body.burnRates['1h']).toBeCloseTo(decider.consumed, 9);
    expect(body.status).toBe('exhausted');
    expect(body.composite?.members.map((member) => [member.name, member.deciding, member.share])).toEqual([
      ['login', false, 0],
      ['cart', true, 1],
      ['pay', false, 0],
    ]);
  });

  it('nested one level: a composite member counts with its own weighted events; history and /metrics agree', async () => {
    const login = memberEvents('login');
    const inner = weightedAverage([{ events: login, weight: 1 }, { events: memberEvents('cart'), weight: 1 }, { events: memberEvents('pay'), weight: 2 }]);
    const outer = weightedAverage([{ events: inner, weight: 1 }, { events: login, weight: 1 }]);
    expect(1 - outer.good / outer.total).toBeCloseTo(14 / 2900, 12);
    const { body } = await getJson<SloStatus>(`${daemon.url}/api/v1/slos/journey`);
    expect(body.sli).toBeCloseTo(outer.good / outer.total, 9);
    expect(body.composite?.members.map((member) => [member.name, member.composite, member.share])).toEqual([
      ['checkout-weighted', true, expect.closeTo((inner.total - inner.good) / (outer.total - outer.good), 9)],
      ['login', false, expect.closeTo(login.bad / (outer.total - outer.good), 9)],
    ]);

    // History: before the data every figure is unknown; over the last minutes it is the live answer.
    const from = (end - 90 * MINUTE) / 1000;
    const to = end / 1000;
    const history = await getJson<{ data: { points: { t: string; sli: number | null; budgetRemaining: number | null; burnRates: Record<string, number | null> }[] } }>(
      `${daemon.url}/api/v1/slos/journey/history?from=${from}&to=${to}&step=600`,
    );
    expect(history.status).toBe(200);
    const points = history.body.data.points;
    expect(points).toHaveLength(10);
    expect(points[0]).toMatchObject({ sli: null, budgetRemaining: null });
    expect(points[0]!.burnRates['1h']).toBeNull();
    const last = points.at(-1)!;
    expect(Date.parse(last.t)).toBe(end);
    // At `end` the last sample's minute is not yet in a closed bucket: the point sees 59 of the 60 minutes, whose
    // ratio is the same as every minute's, so the SLI and burn are the live ones.
    expect(last.sli).toBeCloseTo(outer.good / outer.total, 9);
    expect(last.budgetRemaining).toBeCloseTo(body.errorBudget.remaining!, 4);
    expect(last.burnRates['1h']).toBeCloseTo((14 / 2900) / 0.01, 9);
    const leastHealthy = await getJson<{ data: { points: { sli: number | null }[] } }>(`${daemon.url}/api/v1/slos/checkout-worst/history?from=${to - 60}&to=${to}&step=60`);
    expect(leastHealthy.body.data.points.at(-1)?.sli).toBeCloseTo(0.998, 9);

    // /metrics: each member's share of the composite's burn.
    const metrics = await (await fetch(`${daemon.url}/metrics`)).text();
    const share = (slo: string, member: string) => {
      const line = metrics.split('\n').find((candidate) => candidate.startsWith('sloe_slo_composite_burn_share{') && candidate.includes(`slo_name="${slo}"`) && candidate.includes(`slo_member="${member}"`));
      return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
    };
    expect(share('checkout-weighted', 'cart')).toBeCloseTo(10 / 13, 9);
    expect(share('checkout-worst', 'cart')).toBe(1);
    expect(share('checkout-worst', 'login')).toBe(0);
    expect(share('journey', 'checkout-weighted')).toBeCloseTo(13 / 14, 9);
    // A composite has no groups: the groups route answers an empty list, and a group on its history is a 400.
    expect(await getJson(`${daemon.url}/api/v1/slos/journey/groups`)).toEqual({ status: 200, body: { data: [] } });
    const grouped = await getJson<{ error: { message: string } }>(`${daemon.url}/api/v1/slos/journey/history?group.route=/x`);
    expect(grouped.status).toBe(400);
    expect(grouped.body.error.message).toContain('has no groups');
  });

  it('a reload picks up changed weights and method; a cycle is refused with the cycle named and the old set kept', async () => {
    writeSpecs(space, { pay: 1 }, 'weightedAverage');
    const reload = await fetch(`${daemon.url}/-/reload`, { method: 'POST' });
    expect(reload.status).toBe(200);
    const outcome = (await reload.json()) as { changed: string[] };
    expect(outcome.changed.sort()).toEqual(['checkout-weighted', 'checkout-worst']);
    const login = memberEvents('login');
    const cart = memberEvents('cart');
    const pay = memberEvents('pay');
    const reweighted = weightedAverage([{ events: login, weight: 1 }, { events: cart, weight: 1 }, { events: pay, weight: 1 }]);
    // By hand: (999 + 490 + 199) / 1700 per minute.
    expect(reweighted.good / reweighted.total).toBeCloseTo(1688 / 1700, 12);
    const weighted = await waitFor(daemon.url, 'checkout-weighted', (status) => status.composite?.members[2]?.weight === 1 && status.sli !== null);
    expect(weighted.sli).toBeCloseTo(reweighted.good / reweighted.total, 9);
    const worst = await waitFor(daemon.url, 'checkout-worst', (status) => status.composite?.method === 'weightedAverage' && status.sli !== null);
    expect(worst.sli).toBeCloseTo(reweighted.good / reweighted.total, 9);
    expect(worst.composite?.members.some((member) => member.deciding !== undefined)).toBe(false);

    space.write('cycle.yaml', [compositeSpec('loop-a', 'weightedAverage', 0.99, '[ { slo: loop-b }, { slo: login } ]'), compositeSpec('loop-b', 'leastHealthy', 0.99, '[ { slo: loop-a } ]')].join('---\n'));
    const refused = await fetch(`${daemon.url}/-/reload`, { method: 'POST' });
    expect(refused.status).toBe(422);
    const message = ((await refused.json()) as { error: { message: string } }).error.message;
    const file = join(space.specs, 'cycle.yaml').replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    expect(message).toMatch(new RegExp(`${file}:\\d+:\\d+: composite SLO 'loop-a' is part of a cycle of members: loop-a -> loop-b -> loop-a`));
    expect(message).toMatch(new RegExp(`${file}:\\d+:\\d+: composite SLO 'loop-b' is part of a cycle of members: loop-b -> loop-a -> loop-b`));
    expect((await fetch(`${daemon.url}/api/v1/slos/loop-a`)).status).toBe(404);
    expect((await getJson<SloStatus>(`${daemon.url}/api/v1/slos/checkout-weighted`)).body.sli).toBeCloseTo(reweighted.good / reweighted.total, 9);
  });
});
