import { describe, expect, it } from 'vitest';
import { MemoryDocumentStore } from '../store/memory-records.js';
import { MANUAL_FREEZES_NAMESPACE, ManualFreezes } from './manual-freezes.js';

const freeze = { service: 'checkout', environment: 'production', actions: [], reason: 'holiday', since: '2026-11-26T12:00:00.000Z' };

describe('manual freezes', () => {
  it('keeps one freeze per service and environment, across a restart, until lifted', () => {
    const documents = new MemoryDocumentStore();
    const freezes = new ManualFreezes(documents);
    freezes.set(freeze);
    freezes.set({ ...freeze, reason: 'incident review' });
    freezes.set({ ...freeze, environment: 'staging' });
    const restarted = new ManualFreezes(documents);
    expect(restarted.of('checkout').map((kept) => [kept.environment, kept.reason]).sort()).toEqual([['production', 'incident review'], ['staging', 'holiday']]);
    expect(restarted.of('payments')).toEqual([]);
    expect(restarted.lift('checkout', 'production')).toBe(true);
    expect(restarted.lift('checkout', 'production')).toBe(false);
    expect(documents.list(MANUAL_FREEZES_NAMESPACE).map((entry) => entry.key)).toEqual(['checkout/staging']);
  });

  it('lives in memory without a store', () => {
    const freezes = new ManualFreezes();
    freezes.set(freeze);
    expect(freezes.all()).toEqual([freeze]);
  });
});
