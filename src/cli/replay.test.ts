import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../engine/index.js';
import { loadSpecs } from '../spec/index.js';
import { openSqliteStore } from '../store/index.js';
import { runCli } from '../../test/helpers/cli.js';

const MINUTE = 60_000;
const T0 = Date.UTC(2026, 10, 2, 0);
const at = (minute: number) => new Date(T0 + minute * MINUTE).toISOString();
const SPEC = `apiVersion: sloe/v1
kind: SLO
metadata:
  name: api
spec:
  service: api
  window: 30d
  objectives:
    - targetPercent: 99
  sli:
    ratio:
      bad: sum(rate(http_requests_total{job="api",code=~"5.."}[{{.window}}]))
      total: sum(rate(http_requests_total{job="api"}[{{.window}}]))
`;

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const { code, stdout, stderr } = await runCli(['replay', ...args]);
  return { code, out: stdout, err: stderr };
}

describe('sloe replay', () => {
  let dir: string;

  /**
   * A known stream, stored as the daemon stores it: 1,000 requests a minute for 8 hours, none failing except minutes
   * 61 to 90, when half fail.
   */
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'sloe-replay-test-'));
    writeFileSync(join(dir, 'api.yaml'), SPEC);
    const specs = loadSpecs([{ path: 'api.yaml', content: new TextEncoder().encode(SPEC) }]).specs;
    const store = openSqliteStore(join(dir, 'sloe.db'));
    const engine = new Engine({ specs, store: store.engine, documents: store.documents, journal: store.journal, clock: () => T0 + 480 * MINUTE });
    let ok = 0;
    let failed = 0;
    for (let minute = 0; minute <= 480; minute++) {
      const bad = minute > 60 && minute <= 90 ? 500 : 0;
      if (minute > 0) {
        ok += 1000 - bad;
        failed += bad;
      }
      const t = T0 + minute * MINUTE;
      engine.append(
        [
          { labels: { __name__: 'http_requests_total', job: 'api', code: '200' }, timestamps: [t], values: [ok] },
          { labels: { __name__: 'http_requests_total', job: 'api', code: '500' }, timestamps: [t], values: [failed] },
        ],
        'remote_write',
      );
    }
    store.close();
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('prints the hand-computed alert timeline of a known stream, the pages and tickets, and where the budget ended', async () => {
    const { code, out, err } = await run(['--slos', join(dir, 'api.yaml'), '--data', dir, '--from', at(60), '--to', at(480), '--json']);
    expect(err).toBe('');
    expect(code).toBe(0);
    const result = JSON.parse(out) as { transitions: { at: string; tier: string; to: string }[]; slos: { name: string; pages: number; tickets: number; budgetRemaining: number }[] };
    // Burn rates by hand (objective 99 %: burn = bad ratio / 0.01), with k failing minutes of 500 in the window:
    // page-fast (1h > 14.4 and 5m > 14.4): 1h burn = 0.833·k passes 14.4 at k = 18 (minute 78); the 5m window clears
    //   at minute 94 (one failing minute of five: burn 10). For 2m: firing at 80.
    // page-slow (6h > 6 and 30m > 6): 6h burn = 50·k/M passes 6 at M = 69; the 30m burn (120 - M)/0.6 falls to 6 at 117. For 15m.
    // ticket-fast (1d > 3 and 2h > 3): 50·k/M passes 3 at M = 64; the 2h burn (210 - M)/2.4 falls below 3 at 203. For 1h.
    // ticket-slow (3d > 1 and 6h > 1): passes 1 at M = 62; the 6h burn (450 - M)/7.2 falls below 1 at 443. For 3h.
    expect(result.transitions.map((transition) => `${transition.at} ${transition.tier} ${transition.to}`)).toEqual([
      `${at(62)} ticket-slow pending`,
      `${at(64)} ticket-fast pending`,
      `${at(69)} page-slow pending`,
      `${at(78)} page-fast pending`,
      `${at(80)} page-fast firing`,
      `${at(84)} page-slow firing`,
      `${at(94)} page-fast resolved`,
      `${at(117)} page-slow resolved`,
      `${at(124)} ticket-fast firing`,
      `${at(203)} ticket-fast resolved`,
      `${at(242)} ticket-slow firing`,
      `${at(443)} ticket-slow resolved`,
    ]);
    // 15,000 bad of 480,000 in the period against a 1 % budget of 4,800: 3.125 budgets spent.
    expect(result.slos).toEqual([expect.objectContaining({ name: 'api', pages: 2, tickets: 2 })]);
    expect(result.slos[0]!.budgetRemaining).toBeCloseTo(1 - 15_000 / 4_800, 9);
  });

  it('prints the timeline as text, and refuses bad times and a missing data folder', async () => {
    const text = await run(['--slos', join(dir, 'api.yaml'), '--data', dir, '--from', at(60), '--to', at(120)]);
    expect(text.code).toBe(0);
    expect(text.out).toContain(`${at(80)}  api  page-fast (page)  pending -> firing`);
    // By minute 120: 15,000 bad of 120,000, an SLI of 87.5 % and 12.5 budgets spent.
    expect(text.out).toContain("api: 2 pages, 0 tickets; budget remaining -1150.0% (SLI 87.500%), status exhausted");
    expect((await run(['--slos', join(dir, 'api.yaml'), '--data', dir, '--from', 'yesterday'])).code).toBe(2);
    const missing = await run(['--slos', join(dir, 'api.yaml'), '--data', join(dir, 'nowhere'), '--from', at(60), '--to', at(120)]);
    expect(missing.code).toBe(2);
    expect(missing.err).toMatch(/sloe\.db does not exist/);
  });
});
