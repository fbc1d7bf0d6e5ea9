import { describe, expect, it } from 'vitest';
import { sloStatus } from '../../../test/policy/status-fixture.js';
import { DEFAULT_POLICY } from './default-policy.js';
import { decideGate } from './evaluate.js';
import type { GateRequest } from './evaluate.js';
import { assessEvidence, DEFAULT_EVIDENCE } from './evidence.js';

const DAY = 86_400_000;
const PERIOD = 30 * DAY;
const NOW = Date.parse('2026-11-26T12:00:30Z');
const deploy: GateRequest = { service: 'checkout', environment: 'production', action: 'deploy', labels: {}, overridesPermitted: false };

/** An SLO at 99.9 % whose period holds `total` events of which `bad` failed, with data for `coveredMs`. */
function slo(total: number, bad: number, coveredMs: number, firing: string[] = []) {
  const status = sloStatus({ name: 'checkout-availability', service: 'checkout', total, consumed: bad / (total * 0.001), firing });
  return { status, policy: DEFAULT_POLICY, period: { periodMs: PERIOD, coverage: coveredMs / PERIOD } };
}

describe('evidence before a budget-based deny (default policy)', () => {
  it('does not deny a fresh SLO with a few hundred events and a handful of errors, and says why', () => {
    // 300 events, 5 failed: the budget is -1567 % spent, but it is a budget of 0.3 bad events, 30 s into the period.
    const verdict = decideGate(deploy, [slo(300, 5, 30_000)], DEFAULT_POLICY, NOW);
    expect(verdict.decision).toBe('warn');
    expect(verdict.allowed).toBe(true);
    expect(verdict.slos[0]?.rule).toBe('onInsufficientData');
    expect(verdict.reasons).toEqual([
      'checkout-availability: too little data for a budget-based deny (rule budget-exhausted would deny: checkout-availability: error budget spent (-1566.7% remaining of 30d; ' +
        'SLI 98.333% against objective 99.9%); changes are frozen until it recovers): 300 events in the period make an error budget of 0.3 bad events at objective 99.9%; ' +
        'a budget deny needs a budget of at least 10 (10,000 events); data for 30s of the 30d period; it needs 1h; policy sloe-default answers warn until then',
    ]);
  });

  it('denies the same SLO once the period holds enough events over enough time', () => {
    // 20,000 events (a budget of 20 bad events), 50 failed, two hours of data.
    const verdict = decideGate(deploy, [slo(20_000, 50, 2 * 3_600_000)], DEFAULT_POLICY, NOW);
    expect(verdict.decision).toBe('deny');
    expect(verdict.slos[0]?.rule).toBe('budget-exhausted');
    expect(verdict.reasons[0]).toMatch(/^checkout-availability: error budget spent \(-150% remaining of 30d/);
  });

  it('needs both: enough events but only 20 minutes of data is still too little', () => {
    const verdict = decideGate(deploy, [slo(20_000, 50, 20 * 60_000)], DEFAULT_POLICY, NOW);
    expect(verdict.decision).toBe('warn');
    expect(verdict.reasons[0]).toContain('data for 20m of the 30d period; it needs 1h');
    expect(verdict.reasons[0]).not.toContain('bad events at objective');
  });

  it('answers the policy\'s onInsufficientData', () => {
    const strict = { ...DEFAULT_POLICY, onInsufficientData: 'deny' as const };
    const entry = { ...slo(300, 5, 30_000), policy: strict };
    expect(decideGate(deploy, [entry], strict, NOW).decision).toBe('deny');
    const lenient = { ...DEFAULT_POLICY, onInsufficientData: 'allow' as const };
    expect(decideGate(deploy, [{ ...entry, policy: lenient }], lenient, NOW).decision).toBe('allow');
  });

  it('leaves a page alert firing alone: it denies on a fresh SLO too', () => {
    const verdict = decideGate(deploy, [slo(300, 0, 30_000, ['page-fast'])], DEFAULT_POLICY, NOW);
    expect(verdict.decision).toBe('deny');
    expect(verdict.slos[0]?.rule).toBe('page-alert-firing');
  });

  it('lets a later alert rule deny when the budget rule lacks evidence', () => {
    const verdict = decideGate(deploy, [slo(300, 5, 30_000, ['page-fast'])], DEFAULT_POLICY, NOW);
    expect(verdict.decision).toBe('deny');
    expect(verdict.slos[0]?.rule).toBe('page-alert-firing');
  });
});

describe('assessEvidence', () => {
  const status = (total: number) => sloStatus({ name: 'a', service: 's', total, consumed: 0 });
  it('puts the event floor at minBudgetEvents / (1 - objective): 10,000 events at 99.9 %', () => {
    expect(assessEvidence(status(9_999), DEFAULT_EVIDENCE, { periodMs: PERIOD, coverage: 1 }).sufficient).toBe(false);
    const enough = assessEvidence(status(10_000), DEFAULT_EVIDENCE, { periodMs: PERIOD, coverage: 1 });
    expect(enough).toMatchObject({ sufficient: true, neededEvents: 10_000 });
    expect(enough.budgetEvents).toBeCloseTo(10, 9);
  });
  it('puts the coverage floor at a tenth of the period or an hour, whichever is less', () => {
    const sixHours = 6 * 3_600_000;
    // A 6-hour period needs 36 minutes; a 30-day one an hour.
    expect(assessEvidence(status(1e6), DEFAULT_EVIDENCE, { periodMs: sixHours, coverage: 0.1 }).sufficient).toBe(true);
    expect(assessEvidence(status(1e6), DEFAULT_EVIDENCE, { periodMs: sixHours, coverage: 0.099 }).sufficient).toBe(false);
    expect(assessEvidence(status(1e6), DEFAULT_EVIDENCE, { periodMs: PERIOD, coverage: 3_600_000 / PERIOD }).sufficient).toBe(true);
    expect(assessEvidence(status(1e6), DEFAULT_EVIDENCE, { periodMs: PERIOD, coverage: null })).toMatchObject({ sufficient: false, missing: ['data for an unknown share of the 30d period; it needs 1h'] });
  });
});
