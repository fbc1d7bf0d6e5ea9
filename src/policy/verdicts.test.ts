import { describe, expect, it } from 'vitest';
import { sloStatus } from '../../test/policy/status-fixture.js';
import type { SloStatus } from '../core/index.js';
import { GateIndex } from './gate-index.js';
import { Verdicts } from './verdicts.js';

const NOW = Date.parse('2026-11-26T12:01:00Z');

function setup(initial: SloStatus[]) {
  let statuses = initial;
  const index = new GateIndex({ latest: () => statuses, get: () => undefined }, []);
  return { verdicts: new Verdicts(index, 'production'), set: (next: SloStatus[]) => (statuses = next) };
}

describe('verdicts', () => {
  it('shares one verdict between label-less questions until the next evaluation', () => {
    const driven = setup([sloStatus({ name: 'checkout-availability', service: 'checkout', consumed: 0.1 })]);
    const first = driven.verdicts.judge({ service: 'checkout', admin: false }, [], NOW);
    expect(first.verdict).toMatchObject({ decision: 'allow', environment: 'production', action: 'deploy' });
    expect(driven.verdicts.judge({ service: 'checkout', admin: false }, [], NOW)).toBe(first);
    expect(driven.verdicts.judge({ service: 'checkout', environment: 'staging', admin: false }, [], NOW)).not.toBe(first);
    driven.set([sloStatus({ name: 'checkout-availability', service: 'checkout', consumed: 1.2 })]);
    expect(driven.verdicts.judge({ service: 'checkout', admin: false }, [], NOW).verdict.decision).toBe('deny');
  });

  it('shares the verdict with labelled questions whose labels no override accepts, and keeps one per accepted override', () => {
    const { verdicts } = setup([sloStatus({ name: 'checkout-availability', service: 'checkout', consumed: 1.2 })]);
    const plain = verdicts.judge({ service: 'checkout', admin: false }, [], NOW);
    // An admission review's object labels, a Flagger canary's metadata: nothing an override reads.
    expect(verdicts.judge({ service: 'checkout', labels: { team: 'shop', 'app.kubernetes.io/name': 'checkout' }, admin: false }, [], NOW)).toBe(plain);
    const security = verdicts.judge({ service: 'checkout', labels: { 'sloe.dev/type': 'security' }, admin: true }, [], NOW);
    expect(security).not.toBe(plain);
    expect(security.verdict).toMatchObject({ decision: 'allow', override: { label: 'sloe.dev/type', value: 'security' } });
    expect(verdicts.judge({ service: 'checkout', labels: { 'sloe.dev/type': 'security', team: 'shop' }, admin: true }, [], NOW)).toBe(security);
    // The same label without the admin token is refused, and says why: another verdict.
    const refused = verdicts.judge({ service: 'checkout', labels: { 'sloe.dev/type': 'security' }, admin: false }, [], NOW);
    expect(refused.verdict.decision).toBe('deny');
    expect(refused.verdict.reasons.at(-1)).toContain('needs the admin token');
    // Each cached verdict is the one deciding afresh would give.
    const fresh = setup([sloStatus({ name: 'checkout-availability', service: 'checkout', consumed: 1.2 })]).verdicts;
    expect(fresh.judge({ service: 'checkout', labels: { 'sloe.dev/type': 'security', team: 'shop' }, admin: true }, [], NOW).json).toBe(security.json);
    expect(fresh.judge({ service: 'checkout', labels: { team: 'shop' }, admin: false }, [], NOW).json).toBe(plain.json);
  });

  it('decides again once a manual freeze it rests on has ended', () => {
    const { verdicts } = setup([sloStatus({ name: 'checkout-availability', service: 'checkout', consumed: 0.1 })]);
    const freeze = { service: 'checkout', environment: 'production', actions: [], reason: 'holiday', since: '2026-11-26T12:00:00.000Z', until: '2026-11-26T12:05:00.000Z' };
    const frozen = verdicts.judge({ service: 'checkout', admin: false }, [freeze], NOW);
    expect(frozen.verdict.decision).toBe('deny');
    expect(verdicts.judge({ service: 'checkout', admin: false }, [freeze], NOW + 60_000)).toBe(frozen);
    expect(verdicts.judge({ service: 'checkout', admin: false }, [freeze], Date.parse('2026-11-26T12:05:00Z')).verdict.decision).toBe('allow');
  });

  it('precomputes every service, environment and action after an evaluation', () => {
    const { verdicts } = setup([sloStatus({ name: 'checkout-availability', service: 'checkout', consumed: 1.2 })]);
    expect(verdicts.precompute(['checkout'], () => ['production', 'staging'], ['deploy', 'provision', 'config'], () => [], NOW)).toBe(6);
    const deploy = verdicts.judge({ service: 'checkout', admin: false }, [], NOW);
    expect(deploy.verdict.decision).toBe('deny');
    expect(verdicts.judge({ service: 'checkout', environment: 'production', action: 'deploy', admin: false }, [], NOW)).toBe(deploy);
    expect(verdicts.judge({ service: 'checkout', action: 'provision', admin: false }, [], NOW).verdict.decision).toBe('warn');
  });

  describe('precomputeInSlices', () => {
    const ACTIONS = ['deploy', 'provision', 'config'] as const;
    const ENVIRONMENTS = (): readonly string[] => ['production', 'staging'];
    // Enough services that deciding them all takes many 2 ms slices on any machine; every fifth one over budget.
    const services = Array.from({ length: 1000 }, (_, at) => `svc-${at}`);
    const statuses = (): SloStatus[] => services.map((service, at) => sloStatus({ name: `${service}-availability`, service, consumed: at % 5 === 0 ? 1.2 : 0.1 }));

    it('answers a question asked while it runs, with the verdict a whole precompute gives, and keeps that answer', async () => {
      const { verdicts } = setup(statuses());
      let finished = false;
      const running = verdicts.precomputeInSlices(services, ENVIRONMENTS, ACTIONS, () => [], NOW).then((count) => ((finished = true), count));
      // The first turn of the event loop after it started: a gate request arriving during the precompute.
      const asked = await new Promise<{ answer: ReturnType<Verdicts['judge']>; finishedWhenAsked: boolean }>((resolve) =>
        setImmediate(() => resolve({ answer: verdicts.judge({ service: 'svc-995', admin: false }, [], NOW), finishedWhenAsked: finished })),
      );
      expect(asked.finishedWhenAsked).toBe(false);
      expect(await running).toBe(1000 * 2 * 3);
      // The oracle: the same statuses decided in one go.
      const whole = setup(statuses()).verdicts;
      whole.precompute(services, ENVIRONMENTS, ACTIONS, () => [], NOW);
      expect(asked.answer.verdict.decision).toBe('deny');
      expect(asked.answer.json).toBe(whole.judge({ service: 'svc-995', admin: false }, [], NOW).json);
      // The answer given meanwhile is the one kept, and every precomputed verdict is the whole precompute's.
      expect(verdicts.judge({ service: 'svc-995', admin: false }, [], NOW)).toBe(asked.answer);
      for (const service of ['svc-0', 'svc-1', 'svc-500', 'svc-999']) {
        for (const environment of ENVIRONMENTS()) {
          for (const action of ACTIONS) {
            const question = { service, environment, action, admin: false };
            expect(verdicts.judge(question, [], NOW).json).toBe(whole.judge(question, [], NOW).json);
          }
        }
      }
    });

    it('with keep, decides again only what was forgotten, and gives what a whole precompute gives', async () => {
      let frozen = false;
      let current = statuses();
      const index = new GateIndex({ latest: () => current, get: () => undefined }, []);
      const verdicts = new Verdicts(index, 'production', (service, environment) => frozen && service === 'svc-0' && environment === 'production');
      // Freeze tracking after an evaluation: each service's deploy verdict, decided before svc-0 froze.
      const tracked = services.map((service) => verdicts.judge({ service, environment: 'production', action: 'deploy', admin: false }, [], NOW));
      frozen = true;
      verdicts.forget('svc-0', 'production');
      expect(await verdicts.precomputeInSlices(services, ENVIRONMENTS, ACTIONS, () => [], NOW, true)).toBe(1000 * 2 * 3);
      // Kept: the very verdicts tracking decided. Forgotten: decided again, with the freeze.
      expect(verdicts.judge({ service: 'svc-5', environment: 'production', action: 'deploy', admin: false }, [], NOW)).toBe(tracked[5]);
      const refrozen = verdicts.judge({ service: 'svc-0', environment: 'production', action: 'deploy', admin: false }, [], NOW);
      expect(refrozen).not.toBe(tracked[0]);
      // The oracle: the same statuses and freeze state decided in one go.
      const whole = new Verdicts(new GateIndex({ latest: () => current, get: () => undefined }, []), 'production', (service, environment) => service === 'svc-0' && environment === 'production');
      whole.precompute(services, ENVIRONMENTS, ACTIONS, () => [], NOW);
      for (const service of ['svc-0', 'svc-5', 'svc-999']) {
        for (const environment of ENVIRONMENTS()) {
          for (const action of ACTIONS) {
            const question = { service, environment, action, admin: false };
            expect(verdicts.judge(question, [], NOW).json).toBe(whole.judge(question, [], NOW).json);
          }
        }
      }
      // A new evaluation's index is never answered from kept verdicts.
      current = statuses().map((status) => ({ ...status, evaluatedAt: '2026-11-26T12:02:00.000Z' }));
      expect(verdicts.judge({ service: 'svc-5', environment: 'production', action: 'deploy', admin: false }, [], NOW)).not.toBe(tracked[5]);
    });

    it('stops when the verdicts are invalidated meanwhile (a freeze, a reload), leaving them to be decided afresh', async () => {
      const { verdicts } = setup(statuses());
      const running = verdicts.precomputeInSlices(services, ENVIRONMENTS, ACTIONS, () => [], NOW);
      await new Promise((resolve) => setImmediate(resolve));
      verdicts.invalidate();
      expect(await running).toBeUndefined();
      // What it had decided went with the invalidation: a manual freeze set now is honoured, not a stale allow.
      const freeze = { service: 'svc-1', environment: 'production', actions: [], reason: 'holiday', since: '2026-11-26T12:00:00.000Z' };
      expect(verdicts.judge({ service: 'svc-1', admin: false }, [freeze], NOW).verdict.decision).toBe('deny');
    });
  });
});
