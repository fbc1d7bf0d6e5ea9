import { describe, expect, it } from 'vitest';
import { MemoryDocumentStore } from '../store/memory-records.js';
import { SilenceStore, parseSilenceRequest } from './silences.js';

const NOW = Date.UTC(2026, 10, 26, 12);
const LATER = '2026-11-26T14:00:00Z';
const who = { comment: 'deploying the new database', createdBy: 'ana' };

describe('silences', () => {
  it('the slo shorthand covers every objective of that SLO and nothing else', () => {
    const store = new SilenceStore(new MemoryDocumentStore());
    store.add(parseSilenceRequest({ slo: 'checkout', endsAt: LATER, ...who }, NOW, 's1'));
    expect(store.silencing({ slo_name: 'checkout', slo_service: 'shop' }, NOW)?.id).toBe('s1');
    expect(store.silencing({ slo_name: 'checkout:latency', slo_service: 'shop' }, NOW)?.id).toBe('s1');
    expect(store.silencing({ slo_name: 'checkout-latency', slo_service: 'shop' }, NOW)).toBeUndefined();
  });

  it('matchers are anchored regexes or equalities, negatable, all of which must hold', () => {
    const store = new SilenceStore(new MemoryDocumentStore());
    store.add(parseSilenceRequest({ matchers: [{ name: 'slo_service', value: 'check.*', isRegex: true }, { name: 'severity', value: 'page', isEqual: false }], endsAt: LATER, ...who }, NOW, 's2'));
    expect(store.silencing({ slo_service: 'checkout', severity: 'ticket' }, NOW)?.id).toBe('s2');
    expect(store.silencing({ slo_service: 'checkout', severity: 'page' }, NOW)).toBeUndefined();
    expect(store.silencing({ slo_service: 'xcheckout', severity: 'ticket' }, NOW)).toBeUndefined();
  });

  it('expire by themselves, and are durable in the DocumentStore', () => {
    const documents = new MemoryDocumentStore();
    const store = new SilenceStore(documents);
    store.add(parseSilenceRequest({ service: 'checkout', endsAt: LATER, ...who }, NOW, 's3'));
    const reopened = new SilenceStore(documents);
    expect(reopened.list(NOW).map((silence) => silence.id)).toEqual(['s3']);
    const end = Date.parse(LATER);
    expect(reopened.silencing({ slo_service: 'checkout' }, end - 1)?.id).toBe('s3');
    expect(reopened.silencing({ slo_service: 'checkout' }, end)).toBeUndefined();
    expect(reopened.list(end)).toEqual([]);
    expect(documents.list('notify.silences')).toEqual([]);
  });

  it('refuses bad requests with the field named', () => {
    expect(() => parseSilenceRequest({ slo: 'a', endsAt: '2026-11-26T11:00:00Z', ...who }, NOW)).toThrow(/endsAt: .* is not in the future/);
    expect(() => parseSilenceRequest({ slo: 'a', endsAt: 'tomorrow', ...who }, NOW)).toThrow(/endsAt: an ISO 8601 time/);
    expect(() => parseSilenceRequest({ endsAt: LATER, ...who }, NOW)).toThrow(/give at least one matcher/);
    expect(() => parseSilenceRequest({ matchers: [{ name: 'slo_name', value: '.*', isRegex: true }], endsAt: LATER, ...who }, NOW)).toThrow(/match every alert/);
    expect(() => parseSilenceRequest({ matchers: [{ name: 'slo_name', value: '(', isRegex: true }], endsAt: LATER, ...who }, NOW)).toThrow(/matchers.0.value: not a valid regular expression/);
    expect(() => parseSilenceRequest({ slo: 'a', endsAt: LATER, createdBy: 'ana' }, NOW)).toThrow(/comment/);
    expect(() => parseSilenceRequest({ slo: 'a', endsAt: LATER, ...who, sloo: 'x' }, NOW)).toThrow(/sloo/);
  });
});
