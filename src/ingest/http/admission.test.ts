import { describe, expect, it } from 'vitest';
import { WriteAdmission } from './admission.js';

describe('write admission by event-loop lag', () => {
  const lagOf = (ms: number) => ({ lag: { currentMs: () => ms }, maxLagMs: 50 });

  it('refuses a concurrent write with 429 while the loop runs later than the bound', () => {
    const admission = new WriteAdmission(64, 1 << 20, 1, lagOf(120));
    const first = admission.admit(100);
    expect(() => admission.admit(100)).toThrow(expect.objectContaining({ code: 'ingest_overloaded', status: 429 }));
    first();
    expect(admission.inFlight()).toEqual({ requests: 0, bytes: 0 });
  });

  it('lets a lone writer through, and every writer when the loop is on time or the check is off', () => {
    expect(() => new WriteAdmission(64, 1 << 20, 1, lagOf(500)).admit(1)).not.toThrow();
    const onTime = new WriteAdmission(64, 1 << 20, 1, lagOf(10));
    onTime.admit(1);
    expect(() => onTime.admit(1)).not.toThrow();
    const off = new WriteAdmission(64, 1 << 20, 1, { lag: { currentMs: () => 500 }, maxLagMs: 0 });
    off.admit(1);
    expect(() => off.admit(1)).not.toThrow();
  });
});
