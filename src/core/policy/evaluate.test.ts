import { describe, expect, it } from 'vitest';
import { sloStatus } from '../../../test/policy/status-fixture.js';
import type { BudgetPolicy } from '../model.js';
import { DEFAULT_POLICY } from './default-policy.js';
import { decideGate, decideSlo, matchOverride } from './evaluate.js';
import type { GateRequest } from './evaluate.js';

const NOW = Date.parse('2026-11-26T12:00:30Z');
const request = (overrides: Partial<GateRequest> = {}): GateRequest => ({
  service: 'checkout',
  environment: 'production',
  action: 'deploy',
  labels: {},
  overridesPermitted: true,
  ...overrides,
});
/** A 30-day period with data throughout: enough evidence for any budget rule with a million events. */
const FULL = { periodMs: 30 * 86_400_000, coverage: 1 };
const underDefault = (...statuses: ReturnType<typeof sloStatus>[]) => statuses.map((status) => ({ status, policy: DEFAULT_POLICY, period: FULL }));

describe('the default policy (SRE Workbook)', () => {
  it('allows a healthy service and says how much budget is left', () => {
    const verdict = decideGate(request(), underDefault(sloStatus({ name: 'checkout-availability', service: 'checkout', consumed: 0.1 })), DEFAULT_POLICY, NOW);
    expect(verdict.decision).toBe('allow');
    expect(verdict.allowed).toBe(true);
    expect(verdict.reasons).toEqual(['checkout: 1 SLO within policy sloe-default; lowest error budget remaining 90% (checkout-availability)']);
    expect(verdict.evaluatedAt).toBe('2026-11-26T12:00:00.000Z');
  });

  it('warns below 25 % remaining, naming the SLO and its figures', () => {
    const verdict = decideGate(request(), underDefault(sloStatus({ name: 'checkout-availability', service: 'checkout', consumed: 0.8, burnRate: 1.5 })), DEFAULT_POLICY, NOW);
    expect(verdict.decision).toBe('warn');
    expect(verdict.allowed).toBe(true);
    expect(verdict.reasons).toEqual(['checkout-availability: only 20% of the error budget remaining (below 25%)']);
  });

  it('warns while a ticket alert fires even with budget left', () => {
    const verdict = decideGate(request(), underDefault(sloStatus({ name: 'a', service: 'checkout', consumed: 0.3, burnRate: 3.5, firing: ['ticket-fast'] })), DEFAULT_POLICY, NOW);
    expect(verdict.decision).toBe('warn');
    expect(verdict.reasons[0]).toBe('a: ticket alert firing, burn rate 3.5x over 1d; 70% of the error budget remaining');
  });

  it('denies while a page alert fires', () => {
    const verdict = decideGate(request(), underDefault(sloStatus({ name: 'a', service: 'checkout', consumed: 0.5, burnRate: 15.2, firing: ['page-fast'] })), DEFAULT_POLICY, NOW);
    expect(verdict.decision).toBe('deny');
    expect(verdict.allowed).toBe(false);
    expect(verdict.reasons[0]).toBe('a: page alert firing, burn rate 15.2x over 1h; 50% of the error budget remaining');
  });

  it('denies when the budget over the period is spent, at exactly zero too', () => {
    const cases = [
      [1, 'a: error budget spent (0% remaining of 30d; SLI 99.9% against objective 99.9%); changes are frozen until it recovers'],
      [1.4, 'a: error budget spent (-40% remaining of 30d; SLI 99.86% against objective 99.9%); changes are frozen until it recovers'],
    ] as const;
    for (const [consumed, reason] of cases) {
      const verdict = decideGate(request(), underDefault(sloStatus({ name: 'a', service: 'checkout', consumed })), DEFAULT_POLICY, NOW);
      expect(verdict.decision).toBe('deny');
      expect(verdict.reasons).toEqual([reason]);
    }
  });

  it('lets capacity be provisioned, with a warning, while deploys are frozen', () => {
    const exhausted = underDefault(sloStatus({ name: 'a', service: 'checkout', consumed: 1.2 }));
    expect(decideGate(request({ action: 'deploy' }), exhausted, DEFAULT_POLICY, NOW).decision).toBe('deny');
    expect(decideGate(request({ action: 'config' }), exhausted, DEFAULT_POLICY, NOW).decision).toBe('deny');
    const provision = decideGate(request({ action: 'provision' }), exhausted, DEFAULT_POLICY, NOW);
    expect(provision.decision).toBe('warn');
    expect(provision.reasons[0]).toContain('provisioning is allowed while changes are frozen');
  });

  it('lets a security fix through a freeze and records the override with what it overrode', () => {
    const exhausted = underDefault(sloStatus({ name: 'a', service: 'checkout', consumed: 1.2 }));
    const verdict = decideGate(request({ labels: { type: 'security' } }), exhausted, DEFAULT_POLICY, NOW);
    expect(verdict.decision).toBe('allow');
    expect(verdict.override).toEqual({ label: 'type', value: 'security', policies: ['sloe-default'], overridden: [expect.stringMatching(/^a: error budget spent/)] });
    expect(verdict.reasons[0]).toMatch(/^override: type=security lets the change through; it would have been denied: a: error budget spent/);
  });

  it('refuses the override without the admin token, and says why', () => {
    const exhausted = underDefault(sloStatus({ name: 'a', service: 'checkout', consumed: 1.2 }));
    const verdict = decideGate(request({ labels: { priority: 'P0' }, overridesPermitted: false }), exhausted, DEFAULT_POLICY, NOW);
    expect(verdict.decision).toBe('deny');
    expect(verdict.override).toBeUndefined();
    expect(verdict.reasons.at(-1)).toBe('priority=P0 asks for an override, which needs the admin token');
  });

  it('fails open with a warning when an SLO has no data, and takes the worst across SLOs', () => {
    const verdict = decideGate(
      request(),
      underDefault(sloStatus({ name: 'quiet', service: 'checkout', total: 0 }), sloStatus({ name: 'busy', service: 'checkout', consumed: 0.1 })),
      DEFAULT_POLICY,
      NOW,
    );
    expect(verdict.decision).toBe('warn');
    expect(verdict.reasons).toEqual(['quiet: no data (no events in the window); policy sloe-default answers warn without data']);
    expect(verdict.slos.map((slo) => [slo.name, slo.decision, slo.rule])).toEqual([
      ['quiet', 'warn', 'onNoData'],
      ['busy', 'allow', undefined],
    ]);
  });

  it('answers a service no SLO measures with the policy\'s no-data decision', () => {
    const verdict = decideGate(request({ service: 'ghost' }), [], DEFAULT_POLICY, NOW);
    expect(verdict).toMatchObject({ decision: 'warn', allowed: true, slos: [], policy: 'sloe-default', evaluatedAt: new Date(NOW).toISOString() });
  });
});

const frozenProduction: BudgetPolicy = {
  name: 'platform-freeze',
  selector: { services: ['platform-api'], slos: [], labels: {} },
  rules: [
    { name: 'allow-provisioning', decision: 'allow', when: {}, environments: [], actions: ['provision'], reason: '' },
    { name: 'no-data-prod', decision: 'deny', when: { status: ['nodata'] }, environments: ['production'], actions: [], reason: '{slo}: no data in {environment}, fail closed' },
    { name: 'freeze-prod', decision: 'deny', when: { budgetRemainingBelow: 0.5 }, environments: ['production'], actions: [], reason: '{slo} has {budgetRemaining} left in {environment}' },
    { name: 'fast-burn', decision: 'deny', when: { burnRateAbove: { window: '1h', value: 10 } }, environments: [], actions: [], reason: '{slo} burning {burnRate} over {window}' },
  ],
  overrides: [],
  onNoData: 'allow',
};

describe('a policy with per-environment and per-action rules', () => {
  const halfSpent = sloStatus({ name: 'platform-api-availability', service: 'platform-api', consumed: 0.6, burnRate: 2 });

  it('holds production but not staging', () => {
    expect(decideSlo(frozenProduction, halfSpent, request({ service: 'platform-api' }), FULL)).toMatchObject({ decision: 'deny', rule: 'freeze-prod', reason: 'platform-api-availability has 40% left in production' });
    expect(decideSlo(frozenProduction, halfSpent, request({ service: 'platform-api', environment: 'staging' }), FULL)).toMatchObject({ decision: 'allow' });
  });

  it('lets provisioning through by an allow rule placed first', () => {
    expect(decideSlo(frozenProduction, halfSpent, request({ service: 'platform-api', action: 'provision' }), FULL)).toMatchObject({ decision: 'allow', rule: 'allow-provisioning' });
  });

  it('tests a burn rate window in every environment', () => {
    const burning = sloStatus({ name: 'x', service: 'platform-api', consumed: 0.1, burnRate: 12.25 });
    expect(decideSlo(frozenProduction, burning, request({ service: 'platform-api', environment: 'staging' }), FULL)).toMatchObject({ decision: 'deny', reason: 'x burning 12.25x over 1h' });
  });

  it('fails closed without data in production and open elsewhere', () => {
    const quiet = sloStatus({ name: 'q', service: 'platform-api', total: 0 });
    expect(decideSlo(frozenProduction, quiet, request({ service: 'platform-api' }), FULL)).toMatchObject({ decision: 'deny', reason: 'q: no data in production, fail closed' });
    expect(decideSlo(frozenProduction, quiet, request({ service: 'platform-api', environment: 'staging' }), FULL)).toMatchObject({ decision: 'allow', rule: 'onNoData' });
  });
});

describe('matchOverride', () => {
  it('matches Kubernetes-style prefixed keys and values case-insensitively, nothing else', () => {
    expect(matchOverride(DEFAULT_POLICY, { 'sloe.dev/priority': 'p0' })).toEqual({ label: 'sloe.dev/priority', value: 'p0' });
    expect(matchOverride(DEFAULT_POLICY, { priority: 'P1', subtype: 'security' })).toBeUndefined();
  });
});

describe('manual freezes', () => {
  const healthy = underDefault(sloStatus({ name: 'a', service: 'checkout', consumed: 0.1 }));
  const freeze = { service: 'checkout', environment: 'production', actions: [], reason: 'Black Friday', by: 'ana', since: '2026-11-26T11:00:00.000Z', until: '2026-11-26T13:00:00.000Z' };

  it('denies deploys and config changes in its environment until it expires, not provisioning', () => {
    const verdict = decideGate(request(), healthy, DEFAULT_POLICY, NOW, [freeze]);
    expect(verdict.decision).toBe('deny');
    expect(verdict.reasons).toEqual(['checkout: frozen by hand in production by ana since 2026-11-26T11:00:00.000Z until 2026-11-26T13:00:00.000Z: Black Friday']);
    expect(decideGate(request({ action: 'config' }), healthy, DEFAULT_POLICY, NOW, [freeze]).decision).toBe('deny');
    expect(decideGate(request({ action: 'provision' }), healthy, DEFAULT_POLICY, NOW, [freeze]).decision).toBe('allow');
    expect(decideGate(request({ environment: 'staging' }), healthy, DEFAULT_POLICY, NOW, [freeze]).decision).toBe('allow');
    expect(decideGate(request(), healthy, DEFAULT_POLICY, Date.parse('2026-11-26T13:00:00Z'), [freeze]).decision).toBe('allow');
    expect(decideGate(request({ environment: 'staging' }), healthy, DEFAULT_POLICY, NOW, [{ ...freeze, environment: '*' }]).decision).toBe('deny');
  });

  it('gives way to a security fix like any deny, recorded as an override', () => {
    const verdict = decideGate(request({ labels: { type: 'security' } }), healthy, DEFAULT_POLICY, NOW, [freeze]);
    expect(verdict.decision).toBe('allow');
    expect(verdict.override?.overridden).toEqual([expect.stringContaining('frozen by hand in production')]);
  });
});
