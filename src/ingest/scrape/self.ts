import type { ScrapeJob } from './scraper.js';

export interface SelfScrapeOptions {
  /** The daemon's listen address, `HOST:PORT`. */
  readonly listen: string;
  readonly intervalMs: number;
  /** Sent as a bearer token when /metrics needs the read scope. */
  readonly readToken?: string;
}

/** The job name the self-scrape's series carry (`job="sloe"`), which the example SLOs on sloe's own API select. */
export const SELF_SCRAPE_JOB = 'sloe';

/**
 * The scrape job of sloe's own /metrics. A wildcard listen address (`0.0.0.0`, `::`, or none) is not a place to
 * connect to, so the loopback address of the same family is scraped instead. Undefined for port 0: the port is
 * chosen when the server binds, after the parts are composed (only tests listen so).
 */
export function selfScrapeJob(options: SelfScrapeOptions): ScrapeJob | undefined {
  const split = /^(.*):(\d+)$/.exec(options.listen);
  const host = split?.[1] ?? '127.0.0.1';
  const port = split?.[2] ?? '9797';
  if (Number(port) === 0) return undefined;
  const target = `${loopbackFor(host)}:${port}`;
  return {
    job: SELF_SCRAPE_JOB,
    targets: [target],
    intervalMs: options.intervalMs,
    // A scrape must end before the next one is due.
    timeoutMs: Math.min(5000, options.intervalMs),
    path: '/metrics',
    scheme: 'http',
    ...(options.readToken === undefined ? {} : { headers: { authorization: `Bearer ${options.readToken}` } }),
  };
}

function loopbackFor(host: string): string {
  if (host === '' || host === '0.0.0.0') return '127.0.0.1';
  if (host === '[::]' || host === '::') return '[::1]';
  return host;
}
