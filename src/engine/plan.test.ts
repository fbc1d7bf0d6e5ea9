import { describe, expect, it } from 'vitest';
import type { Slo } from '../core/index.js';
import { DAY, periodWindows } from '../core/index.js';
import { makeSlo, specsOf } from '../../test/engine/fixtures.js';
import { planSpecs } from './plan.js';

const plan = (...slos: Slo[]) => planSpecs(specsOf(...slos), { remoteAvailable: false });

describe('planSpecs: tiers shared by SLOs that have the same', () => {
  it('SLOs with equal tiers and period share one tiers array; each keeps its own windows and figures', () => {
    // Each spec has its own tiers array (as loaded specs do), equal in content.
    const { objectives } = plan(makeSlo({ name: 'a' }), makeSlo({ name: 'b' }), makeSlo({ name: 'c', target: 0.99 }));
    expect(objectives[0]!.slo.alerting.tiers).not.toBe(objectives[1]!.slo.alerting.tiers);
    expect(objectives[1]!.tiers).toBe(objectives[0]!.tiers);
    expect(objectives[2]!.tiers).toBe(objectives[0]!.tiers);
    expect(objectives[0]!.tiers).toEqual(objectives[0]!.slo.alerting.tiers);
    expect(objectives[1]!.windows).toEqual(periodWindows(30 * DAY, objectives[1]!.slo.alerting.tiers));
  });

  it('another period, a disabled tier or a tier label keeps the SLO its own tiers', () => {
    const week = makeSlo({ name: 'week', window: { kind: 'rolling', duration: 7 * DAY } });
    const disabled = makeSlo({ name: 'disabled' });
    const labelled = makeSlo({ name: 'labelled' });
    const tiers = (slo: Slo, change: (tier: Slo['alerting']['tiers'][number], index: number) => Slo['alerting']['tiers'][number]): Slo => ({ ...slo, alerting: { ...slo.alerting, tiers: slo.alerting.tiers.map(change) } });
    const { objectives } = plan(
      makeSlo({ name: 'base' }),
      week,
      tiers(disabled, (tier, index) => (index === 0 ? { ...tier, disabled: true } : tier)),
      tiers(labelled, (tier, index) => (index === 1 ? { ...tier, labels: { route: 'team-b' } } : tier)),
    );
    const [base, weekly, withDisabled, withLabel] = objectives;
    expect(weekly!.tiers).not.toBe(base!.tiers);
    expect(weekly!.windows).toEqual(periodWindows(7 * DAY, week.alerting.tiers));
    expect(withDisabled!.tiers.map((tier) => tier.name)).toEqual(base!.tiers.slice(1).map((tier) => tier.name));
    expect(withLabel!.tiers).not.toBe(base!.tiers);
    expect(withLabel!.tiers[1]!.labels).toEqual({ route: 'team-b' });
  });
});
