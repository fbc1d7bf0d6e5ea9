import { describe, expect, it } from 'vitest';
import { isLoopbackAddress, isLoopbackHost, openRemotePolicy } from './open-remote.js';

describe('open remote policy', () => {
  it('tells loopback listen hosts and peers from the rest', () => {
    expect(['127.0.0.1', '127.3.2.1', 'localhost', '::1', '[::1]'].every(isLoopbackHost)).toBe(true);
    expect(['0.0.0.0', '::', '10.0.0.5', 'sloe.internal', '[::]'].some(isLoopbackHost)).toBe(false);
    expect(['127.0.0.1', '::1', '::ffff:127.0.0.1'].every(isLoopbackAddress)).toBe(true);
    expect(['192.0.2.2', '::ffff:10.0.0.1', 'fe80::1'].some(isLoopbackAddress)).toBe(false);
  });

  it('restricts only the open write and admin scopes, only off loopback, unless opted out', () => {
    expect([...openRemotePolicy('127.0.0.1', {}, false).restricted]).toEqual([]);
    expect([...openRemotePolicy('0.0.0.0', {}, false).restricted]).toEqual(['write', 'admin']);
    expect([...openRemotePolicy('0.0.0.0', { writeToken: 'w' }, false).restricted]).toEqual(['admin']);
    expect([...openRemotePolicy('0.0.0.0', { writeToken: 'w', adminToken: 'a' }, false).restricted]).toEqual([]);
    const optedOut = openRemotePolicy('0.0.0.0', {}, true);
    expect([...optedOut.restricted]).toEqual([]);
    expect(optedOut.reason).toContain('open to every host');
  });
});
