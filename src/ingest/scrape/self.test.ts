import { describe, expect, it } from 'vitest';
import { selfScrapeJob } from './self.js';

describe('selfScrapeJob', () => {
  it('scrapes the listen address as job sloe', () => {
    const job = selfScrapeJob({ listen: '127.0.0.1:9797', intervalMs: 10_000 });
    expect(job).toMatchObject({ job: 'sloe', targets: ['127.0.0.1:9797'], path: '/metrics', intervalMs: 10_000, timeoutMs: 5000 });
    expect(job?.headers).toBeUndefined();
  });

  it('has no job for port 0, whose port is only known once bound', () => {
    expect(selfScrapeJob({ listen: '127.0.0.1:0', intervalMs: 10_000 })).toBeUndefined();
  });

  it('turns a wildcard listen address into loopback', () => {
    expect(selfScrapeJob({ listen: '0.0.0.0:8080', intervalMs: 10_000 })?.targets).toEqual(['127.0.0.1:8080']);
    expect(selfScrapeJob({ listen: ':8080', intervalMs: 10_000 })?.targets).toEqual(['127.0.0.1:8080']);
    expect(selfScrapeJob({ listen: '[::]:8080', intervalMs: 10_000 })?.targets).toEqual(['[::1]:8080']);
  });

  it('sends the read token and keeps the timeout below a short interval', () => {
    const job = selfScrapeJob({ listen: 'localhost:9797', intervalMs: 2000, readToken: 'r3ad' });
    expect(job?.headers).toEqual({ authorization: 'Bearer r3ad' });
    expect(job?.timeoutMs).toBe(2000);
  });
});
