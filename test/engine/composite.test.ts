import { describe, expect, it } from 'vitest';
import { HOUR, MINUTE } from '../../src/core/index.js';
import type { IncomingSeries, SloStatus } from '../../src/core/index.js';
import { loadSpecs } from '../../src/spec/index.js';
import { GateService } from '../../src/policy/index.js';
import { harness } from './fixtures.js';
import { compositeSpec, memberSpec } from '../helpers/composite-specs.js';

const START = Date.UTC(2026, 10, 20);

const FILES = [
  memberSpec('login', 0.999),
  memberSpec('cart', 0.99),
  memberSpec('pay', 0.995),
  compositeSpec('checkout-weighted', 'weightedAverage', 0.99, '[ { slo: login }, { slo: cart }, { slo: pay, weight: 2 } ]'),
  compositeSpec('checkout-worst', 'leastHealthy', 0.999, '[ { slo: login }, { slo: cart }, { slo: pay } ]'),
  compositeSpec('journey', 'weightedAverage', 0.99, '[ { slo: checkout-weighted }, { slo: login } ]'),
].join('---\n');

function load(text: string) {
  return loadSpecs([{ path: 'slos.yaml', content: new TextEncoder().encode(text) }]);
}

/** Cumulative 200/500 counters per job. */
class Counters {
  private readonly counts = new Map<string, { ok: number; errors: number }>();
  minute(t: number, traffic: Record<string, { requests: number; errors: number }>): IncomingSeries[] {
    const out: IncomingSeries[] = [];
    for (const [job, { requests, errors }] of Object.entries(traffic)) {
      const counts = this.counts.get(job) ?? { ok: 0, errors: 0 };
      counts.ok += requests - errors;
      counts.errors += errors;
      this.counts.set(job, counts);
      out.push({ labels: { __name__: 'requests_total', job, code: '200' }, timestamps: [t], values: [counts.ok] });
      out.push({ labels: { __name__: 'requests_total', job, code: '500' }, timestamps: [t], values: [counts.errors] });
    }
    return out;
  }
}

describe('composite SLOs', () => {
  it('loads members first and refuses a cycle, naming it at each composite', () => {
    const ok = load(FILES);
    expect(ok.problems).toEqual([]);
    expect(ok.specs.composites?.map((slo) => slo.name)).toEqual(['checkout-weighted', 'checkout-worst', 'journey']);
    const cyclic = load([memberSpec('login', 0.999), compositeSpec('a', 'weightedAverage', 0.99, '[ { slo: b }, { slo: login } ]'), compositeSpec('b', 'leastHealthy', 0.99, '[ { slo: a } ]')].join('---\n'));
    const messages = cyclic.problems.map((problem) => `${problem.file}:${problem.line}:${problem.column}: ${problem.message}`);
    expect(messages).toHaveLength(2);
    expect(messages[0]).toMatch(/^slos\.yaml:14:19: composite SLO 'a' is part of a cycle of members: a -> b -> a/);
    expect(messages[1]).toMatch(/^slos\.yaml:24:19: composite SLO 'b' is part of a cycle of members: b -> a -> b/);
  });

  it('refuses unknown members, unknown objectives, bad weights and an SLI beside the composite', () => {
    const text = [memberSpec('login', 0.999), compositeSpec('bad', 'weightedAverage', 0.99, '[ { slo: nope }, { slo: login, objective: x }, { slo: login, weight: 0 } ]')].join('---\n');
    const messages = load(text).problems.map((problem) => problem.message);
    expect(messages).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/members\[0\]\.slo' names 'nope', which is no loaded SLO/),
        expect.stringMatching(/members\[1\]\.objective' names 'x', which is no objective of SLO 'login'/),
        expect.stringMatching(/members\[2\]\.weight' must be a number above 0, got 0/),
      ]),
    );
    const method = load(compositeSpec('m', 'average', 0.99, '[ { slo: login } ]') + '---\n' + memberSpec('login', 0.999)).problems.map((problem) => problem.message);
    expect(method.join('\n')).toMatch(/spec\.composite\.method'.*expected one of weightedAverage, leastHealthy/);
  });

  it('weightedAverage, leastHealthy and a nested composite match the hand-computed figures', async () => {
    const { specs, problems } = load(FILES);
    expect(problems).toEqual([]);
    const h = harness(specs, START);
    const counters = new Counters();
    // Per minute, for an hour:
    // | member | requests | errors | error ratio | objective | budget consumed (ratio / (1 - objective)) |
    // | login  | 1000     | 1      | 0.001       | 99.9 %    | 1                                         |
    // | cart   | 500      | 10     | 0.02        | 99 %      | 2                                         |
    // | pay    | 200      | 1      | 0.005       | 99.5 %    | 1                                         |
    for (let t = START; t <= START + 60 * MINUTE; t += MINUTE) {
      h.clock.now = t;
      h.engine.append(counters.minute(t, { login: { requests: 1000, errors: 1 }, cart: { requests: 500, errors: 10 }, pay: { requests: 200, errors: 1 } }), 'remote_write');
    }
    const now = START + 60 * MINUTE;
    const report = await h.engine.evaluate(now);
    // The evaluation handed to the other components (notifications, freezes) carries the composites too.
    expect(report.statuses.map((status) => status.name)).toEqual(['login', 'cart', 'pay', 'checkout-weighted', 'checkout-worst', 'journey']);
    const minutes = h.engine.get('login')!.events.total / 1000;
    expect(minutes).toBeGreaterThan(50);

    // weightedAverage (weights 1, 1, 2): per minute good/total = (999 + 490 + 2 x 199) / (1000 + 500 + 2 x 200) = 1887 / 1900.
    const weighted = h.engine.get('checkout-weighted')!;
    expect(weighted.service).toBe('journeys');
    expect(weighted.events.total).toBeCloseTo(1900 * minutes, 6);
    expect(weighted.sli).toBeCloseTo(1 - 13 / 1900, 9);
    expect(weighted.errorBudget.consumed).toBeCloseTo(13 / 1900 / 0.01, 9);
    expect(weighted.burnRates['1h']).toBeCloseTo(13 / 1900 / 0.01, 9);
    expect(weighted.status).toBe('ok');
    // Shares of its burn: weighted bad events 1, 10 and 2 x 1 of 13.
    expect(weighted.composite?.method).toBe('weightedAverage');
    expect(weighted.composite?.members.map((entry) => [entry.name, entry.weight, entry.share])).toEqual([
      ['login', 1, expect.closeTo(1 / 13, 9)],
      ['cart', 1, expect.closeTo(10 / 13, 9)],
      ['pay', 2, expect.closeTo(2 / 13, 9)],
    ]);
    expect(weighted.composite?.members[1]?.budgetRemaining).toBeCloseTo(1 - 2, 9);

    // leastHealthy: cart has consumed 2 budgets, the most; against the composite's 99.9 % that is an error ratio of
    // 2 x 0.001, so SLI 0.998, budget remaining -1 (exhausted), every burn rate 2.
    const worst = h.engine.get('checkout-worst')!;
    expect(worst.sli).toBeCloseTo(0.998, 9);
    expect(worst.errorBudget.remaining).toBeCloseTo(-1, 9);
    expect(worst.burnRates['1h']).toBeCloseTo(2, 9);
    expect(worst.status).toBe('exhausted');
    expect(worst.composite?.members.map((entry) => [entry.name, entry.deciding, entry.share])).toEqual([
      ['login', false, 0],
      ['cart', true, 1],
      ['pay', false, 0],
    ]);

    // Nested: journey = checkout-weighted (its weighted events) + login: 1 - (13 + 1) / (1900 + 1000).
    const journey = h.engine.get('journey')!;
    expect(journey.sli).toBeCloseTo(1 - 14 / 2900, 9);
    expect(journey.composite?.members.map((entry) => [entry.name, entry.composite, entry.share])).toEqual([
      ['checkout-weighted', true, expect.closeTo(13 / 14, 9)],
      ['login', false, expect.closeTo(1 / 14, 9)],
    ]);
    expect(journey.composite?.members[0]?.sli).toBeCloseTo(1 - 13 / 1900, 9);
    // Listed with every other SLO, after the plain ones.
    expect(h.engine.latest().map((status) => status.name)).toEqual(['login', 'cart', 'pay', 'checkout-weighted', 'checkout-worst', 'journey']);
  });

  it('pages on the composite burn and keeps its alert state across a restart', async () => {
    const { specs } = load(FILES);
    const h = harness(specs, START);
    const counters = new Counters();
    // cart at 20 % errors: checkout-worst burns at 0.2 / 0.01 = 20 > 14.4, so its page tier fires.
    for (let t = START; t <= START + 70 * MINUTE; t += MINUTE) {
      h.clock.now = t;
      h.engine.append(counters.minute(t, { login: { requests: 1000, errors: 0 }, cart: { requests: 500, errors: 100 }, pay: { requests: 200, errors: 0 } }), 'remote_write');
      if (t % (5 * MINUTE) === 0) await h.engine.evaluate(t);
    }
    const worst = h.engine.get('checkout-worst')!;
    expect(worst.burnRates['1h']).toBeCloseTo(20, 6);
    expect(worst.alerts.find((alert) => alert.severity === 'page' && alert.longWindow === '1h')?.state).toBe('firing');
    // A 20x burn for an hour spends well over the 30-day budget already: exhausted comes before critical.
    expect(worst.status).toBe('exhausted');
    // The composite answers gates for its own service like any SLO: its firing page denies a deploy of "journeys".
    const gates = new GateService({ statuses: h.engine, policies: [], journal: h.store.journal, now: () => h.clock.now });
    const verdict = gates.evaluate({ service: 'journeys', environment: 'production', action: 'deploy', admin: false, labels: {} });
    expect(verdict.decision).toBe('deny');
    expect(verdict.slos.map((slo) => slo.name)).toContain('checkout-worst');
    expect(verdict.reasons.join('\n')).toMatch(/checkout-worst/);
    const again = harness(specs, h.clock.now, { store: h.store });
    expect(again.engine.get('checkout-worst')!.alerts.find((alert) => alert.longWindow === '1h')?.state).toBe('firing');
  });

  it('history: each point is what the engine answered live at that instant, for both methods and the nested one', async () => {
    const { specs } = load(FILES);
    const h = harness(specs, START);
    const counters = new Counters();
    // | minutes | login errors | cart errors | pay errors | per minute: login 1000, cart 500, pay 200 requests |
    // | 1-30    | 1            | 0           | 4          | leastHealthy: pay decides (4 / 200 / 0.005 = 4 budgets) |
    // | 31-60   | 1            | 50          | 4          | cart overtakes pay over the period                      |
    const live = new Map<number, Map<string, SloStatus>>();
    for (let t = START; t <= START + 60 * MINUTE; t += MINUTE) {
      h.clock.now = t;
      const cartErrors = t > START + 30 * MINUTE ? 50 : 0;
      h.engine.append(counters.minute(t, { login: { requests: 1000, errors: 1 }, cart: { requests: 500, errors: cartErrors }, pay: { requests: 200, errors: 4 } }), 'remote_write');
      if (t % (10 * MINUTE) === 0) {
        const report = await h.engine.evaluate(t);
        live.set(t, new Map(report.statuses.map((status) => [status.name, status])));
      }
    }
    const at30 = START + 30 * MINUTE;
    const at60 = START + 60 * MINUTE;
    for (const name of ['checkout-weighted', 'checkout-worst', 'journey']) {
      const points = h.engine.history(name, START + 10 * MINUTE, at60, 10 * MINUTE)!;
      expect(points).toHaveLength(6);
      for (const point of points) {
        const answered = live.get(point.t)!.get(name)!;
        expect(point.sli, `${name} at ${new Date(point.t).toISOString()}`).toBeCloseTo(answered.sli!, 9);
        expect(point.budgetRemaining).toBeCloseTo(answered.errorBudget.remaining!, 9);
        for (const window of ['5m', '1h']) expect(point.burnRates[window]).toBeCloseTo(answered.burnRates[window]!, 9);
      }
    }
    // By hand, over minutes 1-30 (the zero-length first minute holds no events): weighted (weights 1, 1, 2):
    // bad 1 + 0 + 2 x 4 = 9 of 1000 + 500 + 400 = 1900 a minute.
    const weighted = h.engine.history('checkout-weighted', at30, at30, MINUTE)![0]!;
    expect(weighted.sli).toBeCloseTo(1 - 9 / 1900, 9);
    // leastHealthy at 30 min: pay (4 budgets) decides; against 99.9 % its 4 of 200 become 4 x 0.001 = an SLI of 0.996.
    expect(h.engine.history('checkout-worst', at30, at30, MINUTE)![0]!.sli).toBeCloseTo(0.996, 9);
    // At 60 min cart has 50 x 30 bad of 500 x 60 = 0.05 over the period, 5 budgets, above pay's 4: cart decides now,
    // an SLI of 1 - 5 x 0.001; its 5m burn is its last minutes' 0.1 error ratio over its 1 %: 10.
    const worst = h.engine.history('checkout-worst', at60, at60, MINUTE)![0]!;
    expect(worst.sli).toBeCloseTo(0.995, 9);
    expect(worst.burnRates['5m']).toBeCloseTo(10, 9);
    // Before any data: every figure unknown.
    const before = h.engine.history('journey', START - HOUR, START - HOUR, MINUTE)![0]!;
    expect(before).toMatchObject({ sli: null, budgetRemaining: null });
    expect(Object.values(before.burnRates).every((rate) => rate === null)).toBe(true);
  });
});
