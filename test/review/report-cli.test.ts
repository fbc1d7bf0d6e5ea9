import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDaemon } from '../../src/app/index.js';
import type { Daemon } from '../../src/app/index.js';
import type { IncomingSeries, SloStatus } from '../../src/core/index.js';
import type { Report } from '../../src/review/index.js';
import { logSink, sloSpec, workspace } from '../app/daemon-fixture.js';
import { runCli } from '../helpers/cli.js';
import { freePort } from '../helpers/ports.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const PERIOD_MINUTES = 30 * 24 * 60;
const PER_MINUTE = 600;
/** 3 % errors against a 0.1 % allowance: 30× burn. */
const BURN_SHARE = 0.03;
const READ_TOKEN = 'reader';

/**
 * The raw stream: one sample a minute from START to the last whole minute before now, 600 requests a minute, with a
 * 30× burn for the hour [BURN_FROM, BURN_TO). The report's range [FROM, TO) is five whole hours that hold the burn.
 */
const NOW = Date.now();
const TO = Math.floor((NOW - 5 * MINUTE) / HOUR) * HOUR;
const FROM = TO - 5 * HOUR;
const START = FROM - HOUR;
const BURN_FROM = TO - 3 * HOUR;
const BURN_TO = BURN_FROM + HOUR;
const LAST = Math.floor(NOW / MINUTE) * MINUTE - MINUTE;

interface Sample {
  readonly t: number;
  readonly total: number;
  readonly bad: number;
}

/** Cumulative counter values at each sample: the minute ending at `t` carries the errors of the minute before it. */
function stream(): Sample[] {
  const samples: Sample[] = [];
  let total = 0;
  let bad = 0;
  for (let t = START; t <= LAST; t += MINUTE) {
    samples.push({ t, total, bad });
    total += PER_MINUTE;
    bad += t >= BURN_FROM && t < BURN_TO ? PER_MINUTE * BURN_SHARE : 0;
  }
  return samples;
}

function series(samples: readonly Sample[]): IncomingSeries[] {
  const timestamps = samples.map((sample) => sample.t);
  return [
    { labels: { __name__: 'http_requests_total', job: 'checkout', code: '200' }, timestamps, values: samples.map((sample) => sample.total - sample.bad) },
    { labels: { __name__: 'http_requests_total', job: 'checkout', code: '500' }, timestamps, values: samples.map((sample) => sample.bad) },
  ];
}

/**
 * The oracle, written plainly from the raw samples: the increase between consecutive samples belongs to the minute
 * that ends at the later one; a range holds the minutes that end inside it.
 */
function oracle(samples: readonly Sample[], from: number, to: number): { total: number; bad: number } {
  let total = 0;
  let bad = 0;
  for (let index = 1; index < samples.length; index++) {
    const [before, after] = [samples[index - 1] as Sample, samples[index] as Sample];
    if (after.t > from && after.t <= to) {
      total += after.total - before.total;
      bad += after.bad - before.bad;
    }
  }
  return { total, bad };
}

const iso = (ms: number): string => new Date(ms).toISOString();

describe('sloe report against a running daemon', () => {
  let daemon: Daemon;
  const samples = stream();
  const env = { SLOE_TOKEN: READ_TOKEN };
  const run = (args: string[], environment: Record<string, string> = env) => runCli(['report', '--url', daemon.url, ...args], { env: environment });

  beforeAll(async () => {
    const space = workspace();
    space.write('checkout.yaml', sloSpec('checkout-availability', 'checkout'));
    space.write('search.yaml', sloSpec('search-availability', 'search'));
    daemon = await startDaemon(space.config({}, { SLOE_EVALUATION_INTERVAL: '500ms', SLOE_AUTH_READ_TOKEN: READ_TOKEN }), { env: {}, logDestination: logSink().stream });
    expect(daemon.appender.append(series(samples), 'remote_write').applied).toBeGreaterThan(0);
    // Wait (bounded, the machine is shared) for an evaluation that has seen the samples.
    const deadline = Date.now() + 30_000;
    for (;;) {
      const response = await fetch(`${daemon.url}/api/v1/slos/checkout-availability`, { headers: { authorization: `Bearer ${READ_TOKEN}` } });
      const status = (await response.json()) as SloStatus;
      if (status.status !== 'nodata') break;
      if (Date.now() > deadline) throw new Error(`no evaluation with data within 30 s: ${JSON.stringify(status)}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }, 60_000);

  afterAll(async () => {
    await daemon?.stop();
  });

  it('--json: budget spent, SLI, coverage and compliance against an oracle over the raw samples', async () => {
    const { code, stdout, stderr } = await run(['--service', 'checkout', '--from', iso(FROM), '--to', iso(TO), '--json']);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const report = JSON.parse(stdout) as Report;
    expect([report.from, report.to]).toEqual([iso(FROM), iso(TO)]);
    expect(report.services.map((service) => service.service)).toEqual(['checkout']);
    const slo = report.services[0]?.slos[0];
    if (!slo) throw new Error('no SLO in the report');
    const expected = oracle(samples, FROM, TO);
    // The whole burn lies inside the range: 60 minutes × 600 × 3 % = 1080 bad requests.
    expect(expected.bad).toBeCloseTo(60 * PER_MINUTE * BURN_SHARE, 6);
    expect(Math.abs(slo.events.total - expected.total) / expected.total).toBeLessThan(0.01);
    expect(slo.events.total - slo.events.good).toBeCloseTo(expected.bad, 3);
    expect(slo.sli).toBeCloseTo(1 - expected.bad / expected.total, 4);
    expect(slo.coverage).toBe(1);
    // A period allows 0.1 % of its traffic: 0.001 × 600 × 43 200 = 25 920 bad requests; 1080 of them is 4.17 %.
    expect(slo.budgetSpent).toBeCloseTo(expected.bad / (0.001 * PER_MINUTE * PERIOD_MINUTES), 4);
    const months = slo.compliance;
    expect(months.reduce((sum, period) => sum + period.events.total, 0)).toBeCloseTo(slo.events.total, 6);
    for (const period of months) expect(period.met).toBe(period.sli === null ? null : period.sli >= 0.999);
    expect(slo.budget.at(-1)?.t).toBe(iso(TO));
  });

  it('a table on a terminal: the figures as the JSON has them, and an empty incident list', async () => {
    const { code, stdout } = await run(['--service', 'checkout', '--from', iso(FROM), '--to', iso(TO)], { ...env });
    expect(code).toBe(0);
    const lines = stdout.split('\n');
    expect(lines[0]).toBe(`SLO report ${iso(FROM).slice(0, 16).replace('T', ' ')}Z to ${iso(TO).slice(0, 16).replace('T', ' ')}Z`);
    expect(lines).toContain('== Service checkout ==');
    const header = lines.find((line) => line.startsWith('SLO ') && line.includes('budget spent'));
    expect(header).toMatch(/^SLO\s+objective\s+SLI\s+budget spent\s+budget left\s+coverage\s+incidents\s+spent in incidents$/);
    const row = lines.find((line) => line.startsWith('checkout-availability '));
    expect(row).toMatch(/^checkout-availability\s+99\.90 %\s+99\.\d{3} %\s+4\.2 %\s+\S+ %\s+100 %\s+0\s+0\.0 %$/);
    expect(stdout).toContain('None in the range.');
    expect(stdout).not.toContain('search-availability');
    expect(stdout).not.toContain('|');
  });

  it('--markdown prints the daemon\'s own Markdown, byte for byte', async () => {
    const args = ['--slo', 'checkout-availability', '--from', iso(FROM), '--to', iso(TO)];
    const { code, stdout } = await run([...args, '--markdown']);
    expect(code).toBe(0);
    const query = new URLSearchParams({ slo: 'checkout-availability', from: iso(FROM), to: iso(TO), format: 'markdown' });
    const direct = await (await fetch(`${daemon.url}/api/v1/reports?${query.toString()}`, { headers: { authorization: `Bearer ${READ_TOKEN}` } })).text();
    // generatedAt is the minute the daemon answered: the two may straddle a minute's turn.
    const withoutGenerated = (text: string): string => text.replace(/^Generated .*$/m, '');
    expect(withoutGenerated(stdout)).toBe(withoutGenerated(direct));
    expect(stdout).toMatch(/^# SLO report /);
    expect(stdout).toMatch(/\| checkout-availability \| 99\.90 % \| 99\.\d{3} % \| 4\.2 % \|/);
  });

  it('relative times count back from --to, and a gate decision made now shows in the last hour\'s report', async () => {
    const relative = JSON.parse((await run(['--service', 'checkout', '--from', '5h', '--to', iso(TO), '--json'])).stdout) as Report;
    expect([relative.from, relative.to]).toEqual([iso(FROM), iso(TO)]);
    const gate = await fetch(`${daemon.url}/api/v1/gates/checkout`, { headers: { authorization: `Bearer ${READ_TOKEN}` } });
    const decision = ((await gate.json()) as { decision: 'allow' | 'warn' | 'deny' }).decision;
    // The policy writes its audit entries in batches (a second apart): wait, bounded, for this one to be stored.
    const deadline = Date.now() + 15_000;
    let counts: Report['services'][number]['gate']['decisions'] | undefined;
    do {
      const recent = JSON.parse((await run(['--service', 'checkout', '--from', '1h', '--json'])).stdout) as Report;
      counts = recent.services[0]?.gate.decisions;
      if (counts && counts.allow + counts.warn + counts.deny > 0) break;
      await new Promise((resolve) => setTimeout(resolve, 250));
    } while (Date.now() < deadline);
    expect(counts && counts.allow + counts.warn + counts.deny).toBe(1);
    expect(counts?.[decision]).toBe(1);
  });

  it('exit 2 with the reason: a bad time, a missing token, an unreachable daemon, both formats at once', async () => {
    const badTime = await run(['--from', 'yesterday']);
    expect(badTime.code).toBe(2);
    expect(badTime.stderr).toContain('HTTP 400: from: "yesterday" is not a time');
    const backwards = await run(['--from', iso(TO), '--to', iso(FROM)]);
    expect(backwards.code).toBe(2);
    expect(backwards.stderr).toContain('must be before to');
    const noToken = await run([], {});
    expect(noToken.code).toBe(2);
    expect(noToken.stderr).toMatch(/HTTP 401: /);
    const closedUrl = `http://127.0.0.1:${await freePort()}`;
    const closed = await runCli(['report', '--url', closedUrl], { env });
    expect(closed.code).toBe(2);
    expect(closed.stderr).toMatch(new RegExp(`^sloe report: cannot reach ${closedUrl}: fetch failed: connect ECONNREFUSED`));
    const both = await run(['--json', '--markdown']);
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('--markdown and --json exclude each other');
  });
});
