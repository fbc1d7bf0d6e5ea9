/**
 * Gates over a grouped SLO (issue #15, item 3), through the gate route, on the real engine: `orders` is grouped by
 * `route`; eight routes serve 1,000 requests a minute for two hours, one of them (`/a`) with 2 % errors. Expected
 * figures come from the raw counts the test sent, not from the engine.
 */
import { describe, expect, it } from 'vitest';
import { createHttpApp } from '../../src/api/index.js';
import type { BudgetPolicy, IncomingSeries, SpecSet } from '../../src/core/index.js';
import { HOUR, MINUTE, decideGate, judgedEntry, policyForService, policyForSlo } from '../../src/core/index.js';
import { Engine } from '../../src/engine/index.js';
import { createPolicy, verdictData } from '../../src/policy/index.js';
import { loadSpecs } from '../../src/spec/index.js';
import { openMemoryStore } from '../../src/store/index.js';
import { GROUPED_ORDERS_TARGET, groupedOrders } from '../helpers/grouped-slo.js';

const START = Date.UTC(2026, 10, 5);
const END = START + 2 * HOUR;
const ROUTES = ['/a', '/b', '/c', '/d', '/e', '/f', '/g', '/h'];
const PER_MINUTE = 1000;
const ERRORS_ON_A = 0.02;
const OBJECTIVE = GROUPED_ORDERS_TARGET;

const orders = groupedOrders();

function policy(extra = ''): BudgetPolicy {
  const text = `apiVersion: sloe/v1
kind: BudgetPolicy
metadata:
  name: shop-releases
spec:
  selector: { services: [shop] }
${extra}  rules:
    - { name: budget-exhausted, decision: deny, when: { status: [exhausted] }, reason: "{slo} has spent its error budget ({budgetRemaining} remaining)" }
    - { name: budget-low, decision: warn, when: { budgetRemainingBelow: 0.25 }, reason: "{slo} has {budgetRemaining} of its budget left" }
`;
  const loaded = loadSpecs([{ path: 'policy.yaml', content: new TextEncoder().encode(text) }]);
  expect(loaded.problems).toEqual([]);
  return loaded.specs.policies[0]!;
}

/** What was sent, per route: the oracle's raw counts. */
const sent = new Map<string, { good: number; bad: number }>();

async function evaluatedEngine(): Promise<Engine> {
  const store = openMemoryStore();
  const clock = { now: START };
  const specs: SpecSet = { services: [{ name: 'shop', labels: {} }], slos: [orders], policies: [] };
  const engine = new Engine({ specs, store: store.engine, documents: store.documents, journal: store.journal, clock: () => clock.now });
  const cumulative = new Map(ROUTES.map((route) => [route, { ok: 0, errors: 0 }]));
  sent.clear();
  for (let t = START; t <= END; t += MINUTE) {
    clock.now = t;
    const series: IncomingSeries[] = [];
    for (const route of ROUTES) {
      const count = cumulative.get(route)!;
      const bad = route === '/a' ? PER_MINUTE * ERRORS_ON_A : 0;
      // The first sample of a series is its baseline (no increase): counted from the second minute on.
      if (t > START) {
        const tally = sent.get(route) ?? { good: 0, bad: 0 };
        sent.set(route, { good: tally.good + PER_MINUTE - bad, bad: tally.bad + bad });
      }
      count.ok += PER_MINUTE - bad;
      count.errors += bad;
      series.push({ labels: { __name__: 'req_total', route, code: '200' }, timestamps: [t], values: [count.ok] });
      series.push({ labels: { __name__: 'req_total', route, code: '500' }, timestamps: [t], values: [count.errors] });
    }
    engine.append(series, 'remote_write');
    if ((t - START) % (30 * MINUTE) === 0 || t === END) await engine.evaluate(t);
  }
  return engine;
}

/** Budget remaining from the raw counts: 1 - (bad / total) / (1 - objective). */
function remainingOf(routes: readonly string[]): number {
  let good = 0;
  let bad = 0;
  for (const route of routes) {
    good += sent.get(route)!.good;
    bad += sent.get(route)!.bad;
  }
  return 1 - bad / (good + bad) / (1 - OBJECTIVE);
}

interface Answer {
  decision: string;
  allowed: boolean;
  reasons: string[];
  figures: { name: string; group?: Record<string, string>; budgetRemaining: number | null; status: string }[];
}

function gateOn(engine: Engine, policies: BudgetPolicy[]) {
  let now = END + 1000;
  const component = createPolicy({
    statuses: { latest: () => engine.latest(), get: (name) => engine.get(name), groups: (name) => engine.groups(name) },
    policies,
    slos: [orders],
    journal: openMemoryStore().journal,
    documents: openMemoryStore().documents,
    webhooks: [],
    source: 'urn:sloe:test',
    now: () => (now += 1000),
  });
  component.afterEvaluation?.({ now: END, statuses: engine.latest(), transitions: [] });
  const app = createHttpApp(component.routes ?? [], { notReadyReasons: () => [] });
  return {
    component,
    ask: async (query = ''): Promise<{ status: number; body: Answer & { error?: { code: string; message: string } } }> => {
      const response = await app.request(`/api/v1/gates/shop?env=production${query}`);
      return { status: response.status, body: (await response.json()) as Answer & { error?: { code: string; message: string } } };
    },
  };
}

describe('gates per group of a grouped SLO', () => {
  it('judges the aggregate by default and names the worst group in the reasons', async () => {
    const engine = await evaluatedEngine();
    const { ask } = gateOn(engine, [policy()]);
    const { status, body } = await ask();
    expect(status).toBe(200);
    // 2 % errors on one route of eight: 0.25 % overall against a 1 % budget, 75 % left; /a has spent it twice over.
    expect(remainingOf(ROUTES)).toBeCloseTo(0.75, 10);
    expect(remainingOf(['/a'])).toBeCloseTo(-1, 10);
    expect(body.decision).toBe('allow');
    expect(body.figures).toEqual([expect.objectContaining({ name: 'orders', status: 'ok' })]);
    expect(body.figures[0]!.group).toBeUndefined();
    expect(body.figures[0]!.budgetRemaining).toBeCloseTo(remainingOf(ROUTES), 9);
    expect(body.reasons).toContain('orders: decided on its aggregate over 8 groups (policy shop-releases, groupedSlos: aggregate); worst groups: {route="/a"} -100% of its budget left, {route="/b"} 100% of its budget left, {route="/c"} 100% of its budget left');
  });

  it('answers about one group with ?group.route=', async () => {
    const engine = await evaluatedEngine();
    const { ask } = gateOn(engine, [policy()]);
    const spent = await ask('&group.route=%2Fa');
    expect(spent.status).toBe(200);
    expect(spent.body).toMatchObject({ decision: 'deny', allowed: false });
    expect(spent.body.figures).toEqual([expect.objectContaining({ name: 'orders', group: { route: '/a' }, status: 'exhausted' })]);
    expect(spent.body.figures[0]!.budgetRemaining).toBeCloseTo(remainingOf(['/a']), 9);
    expect(spent.body.reasons[0]).toBe('orders{route="/a"} has spent its error budget (-100% remaining)');
    expect(spent.body.reasons).toContain('orders: decided on the group {route="/a"} of 8 asked about (-100% of its budget left)');

    const clean = await ask('&group.route=/b');
    expect(clean.body.decision).toBe('allow');
    expect(clean.body.figures[0]).toMatchObject({ group: { route: '/b' }, budgetRemaining: 1 });
  });

  it('answers a group without data with the policy\'s no-data answer, its figures null', async () => {
    const engine = await evaluatedEngine();
    const { ask } = gateOn(engine, [policy()]);
    const { status, body } = await ask('&group.route=/nowhere');
    expect(status).toBe(200);
    expect(body.decision).toBe('warn');
    expect(body.figures[0]).toMatchObject({ group: { route: '/nowhere' }, status: 'nodata', budgetRemaining: null });
    expect(body.reasons[0]).toContain('orders{route="/nowhere"}: no data (no events for the group {route="/nowhere"} in the window); policy shop-releases answers warn without data');
  });

  it('refuses a label that is not the SLO\'s groupBy with 400 and the reason', async () => {
    const engine = await evaluatedEngine();
    const { ask } = gateOn(engine, [policy()]);
    const { status, body } = await ask('&group.region=eu');
    expect(status).toBe(400);
    expect(body.error).toEqual({ code: 'bad_request', message: 'group.region: not a groupBy label of any SLO of service shop (SLOs of service shop are grouped by orders: route)' });
    expect((await ask('&group.=x')).status).toBe(400);
  });

  it('lets the worst group decide under groupedSlos: worstGroup', async () => {
    const engine = await evaluatedEngine();
    const { ask } = gateOn(engine, [policy('  groupedSlos: worstGroup\n')]);
    const { body } = await ask();
    expect(body.decision).toBe('deny');
    expect(body.figures[0]).toMatchObject({ name: 'orders', group: { route: '/a' }, status: 'exhausted' });
    expect(body.figures[0]!.budgetRemaining).toBeCloseTo(remainingOf(['/a']), 9);
    expect(body.reasons).toContain('orders: decided on its worst group {route="/a"} of 8 (-100% of its budget left; policy shop-releases, groupedSlos: worstGroup)');
    // A named group is judged on that group whatever the policy says.
    expect((await ask('&group.route=/c')).body.decision).toBe('allow');
  });

  it('answers with the verdict deciding afresh from the same statuses gives, precomputed or not', async () => {
    const engine = await evaluatedEngine();
    for (const extra of ['', '  groupedSlos: worstGroup\n']) {
      const policies = [policy(extra)];
      const { ask } = gateOn(engine, policies);
      const first = await ask();
      const again = await ask();
      const covered = engine.latest().map((status) => judgedEntry({ status, policy: policyForSlo(policies, status) }, (aggregate) => engine.groups(aggregate.name)));
      const fresh = verdictData(decideGate({ service: 'shop', environment: 'production', action: 'deploy', labels: {}, overridesPermitted: false }, covered, policyForService(policies, 'shop'), END));
      const { figures, ...rest } = fresh;
      for (const answer of [first.body, again.body]) {
        expect(answer).toMatchObject(JSON.parse(JSON.stringify(rest)) as object);
        expect(answer.figures.map((figure) => [figure.name, figure.group, figure.budgetRemaining, figure.status])).toEqual(figures.map((figure) => [figure.name, figure.group, figure.budgetRemaining, figure.status]));
      }
    }
  });
});
