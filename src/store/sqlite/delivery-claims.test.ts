import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DeliveryClaims } from './delivery-claims.js';

describe('delivery claims shared by replicas', () => {
  it('lets the first replica send a change, not the second; a new change is sent again; the window ends a claim', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'sloe-claims-')), 'claims.db');
    const a = new DeliveryClaims(file, { replica: 'a', windowMs: 60_000 });
    const b = new DeliveryClaims(file, { replica: 'b', windowMs: 60_000 });
    expect(a.claim('slack', 'checkout/page', 'firing', 1_000)).toBe(true);
    expect(b.claim('slack', 'checkout/page', 'firing', 5_000)).toBe(false);
    // Its own retry (or its restart re-sending its outbox) stays the claimer's.
    expect(a.claim('slack', 'checkout/page', 'firing', 9_000)).toBe(true);
    // Another receiver is another claim.
    expect(b.claim('webhook', 'checkout/page', 'firing', 5_000)).toBe(true);
    // The resolve is a new change: whoever comes first; then a new firing is sent again.
    expect(b.claim('slack', 'checkout/page', 'resolved', 20_000)).toBe(true);
    expect(a.claim('slack', 'checkout/page', 'resolved', 21_000)).toBe(false);
    expect(a.claim('slack', 'checkout/page', 'firing', 30_000)).toBe(true);
    expect(b.claim('slack', 'checkout/page', 'firing', 31_000)).toBe(false);
    // Past the window, the same state is a new change (a replica that lagged that long, or a later incident).
    expect(b.claim('slack', 'checkout/page', 'firing', 30_000 + 60_000)).toBe(true);
    a.close();
    b.close();
  });
});
