import { describe, expect, it } from 'vitest';
import { HOUR, MINUTE } from '../../src/core/index.js';
import { EXCLUSION_JOURNAL_KIND } from '../../src/engine/index.js';
import { TrafficGenerator, harness, makeSlo, specsOf } from './fixtures.js';

const START = Date.UTC(2026, 10, 6);

describe('budget exclusions', () => {
  it('events in an excluded range do not count, in the period or the burn-rate windows; who and why are journalled', async () => {
    const { engine, clock, store } = harness(specsOf(makeSlo({})), START);
    const traffic = new TrafficGenerator();
    // | time        | traffic              |
    // | 00:00-01:00 | 1000/min, clean      |
    // | 01:00-01:30 | 1000/min, 50 % bad   | (a botched migration, excluded afterwards)
    // | 01:30-02:00 | 1000/min, clean      |
    for (let t = START; t <= START + 2 * HOUR; t += MINUTE) {
      clock.now = t;
      engine.append(traffic.minute(t, 1000, t > START + HOUR && t <= START + 90 * MINUTE ? 0.5 : 0), 'remote_write');
    }
    const now = START + 2 * HOUR;
    const dirty = (await engine.evaluate(now)).statuses[0]!;
    expect(dirty.events).toEqual({ good: 105_000, total: 120_000 });
    const record = engine.exclusionAdmin().add({ slo: 'api-availability', start: START + HOUR, end: START + 90 * MINUTE, reason: 'migration INC-42' }, 'alice', now);
    const clean = (await engine.evaluate(now)).statuses[0]!;
    expect(clean.events).toEqual({ good: 90_000, total: 90_000 });
    expect(clean.burnRates['1h']).toBe(0);
    expect(clean.status).toBe('ok');
    expect(store.journal.query(EXCLUSION_JOURNAL_KIND, { limit: 5 })[0]).toMatchObject({ subject: 'api-availability', data: { action: 'set', createdBy: 'alice', reason: 'migration INC-42' } });
    expect(engine.exclusionAdmin().remove(record.id, 'bob', now)).toBe(true);
    expect((await engine.evaluate(now)).statuses[0]!.events).toEqual(dirty.events);
    expect(store.journal.query(EXCLUSION_JOURNAL_KIND, { limit: 5 })[0]).toMatchObject({ data: { action: 'deleted', by: 'bob' } });
  });

  it('spec exclusions apply from the start and cannot be removed through the API', async () => {
    const slo = { ...makeSlo({}), exclusions: [{ start: START + 10 * MINUTE, end: START + 20 * MINUTE, reason: 'load test' }] };
    const { engine, clock } = harness(specsOf(slo), START);
    const traffic = new TrafficGenerator();
    for (let t = START; t <= START + 30 * MINUTE; t += MINUTE) {
      clock.now = t;
      engine.append(traffic.minute(t, 100, 0), 'remote_write');
    }
    expect((await engine.evaluate(START + 30 * MINUTE)).statuses[0]!.events.total).toBe(2000);
    const [spec] = engine.exclusionAdmin().list('api-availability');
    expect(spec).toMatchObject({ origin: 'spec', reason: 'load test' });
    expect(engine.exclusionAdmin().remove(spec!.id, 'mallory', START)).toBe(false);
    expect(() => engine.exclusionAdmin().add({ slo: 'nope', start: 1, end: 2, reason: 'x' }, 'a', START)).toThrow(/no SLO named nope/);
    expect(() => engine.exclusionAdmin().add({ slo: 'api-availability', start: 2, end: 1, reason: 'x' }, 'a', START)).toThrow(/start before end/);
  });
});

describe('maintenance windows', () => {
  it('a nightly window (cron, in its time zone) removes its events from every window', async () => {
    // 02:00-02:30 in Berlin (UTC+1 in November) is 01:00-01:30 UTC.
    const slo = { ...makeSlo({}), maintenance: [{ schedule: '0 2 * * *', timeZone: 'Europe/Berlin', duration: 30 * MINUTE, reason: 'nightly vacuum' }] };
    const { engine, clock } = harness(specsOf(slo), START);
    const traffic = new TrafficGenerator();
    // | UTC         | traffic            |
    // | 00:00-01:00 | 1000/min, clean    |
    // | 01:00-01:30 | 1000/min, all bad  | (inside the window)
    // | 01:30-02:00 | 1000/min, 1 % bad  |
    for (let t = START; t <= START + 2 * HOUR; t += MINUTE) {
      clock.now = t;
      const ratio = t > START + HOUR && t <= START + 90 * MINUTE ? 1 : t > START + 90 * MINUTE ? 0.01 : 0;
      engine.append(traffic.minute(t, 1000, ratio), 'remote_write');
    }
    const status = (await engine.evaluate(START + 2 * HOUR)).statuses[0]!;
    expect(status.events).toEqual({ good: 90_000 - 300, total: 90_000 });
    expect(status.burnRates['30m']).toBeCloseTo(10, 9);
    expect(status.burnRates['1h']).toBeCloseTo(300 / 30_000 / 0.001, 9);
  });
});
