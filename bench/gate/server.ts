/**
 * The servers under test, in their own process so the load generator does not share their event loop:
 * the gate (the daemon's HTTP app with the policy routes, 100 SLOs in memory, decisions journalled to SQLite)
 * and a bare hono route answering a constant JSON body, both served by @hono/node-server on 127.0.0.1.
 * Prints one line `PORTS <gate> <bare>` when both listen.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Hono } from 'hono';
import { createHttpApp, startServer } from '../../src/api/index.js';
import type { BudgetPolicy, SloStatus } from '../../src/core/index.js';
import { createPolicy } from '../../src/policy/index.js';
import { openSqliteStore } from '../../src/store/index.js';
import { sloStatus } from '../../test/policy/status-fixture.js';

const SERVICES = 20;
const SLOS_PER_SERVICE = 5;

const statuses: SloStatus[] = [];
for (let s = 0; s < SERVICES; s++) {
  for (let i = 0; i < SLOS_PER_SERVICE; i++) {
    // A spread of states: most healthy, some in the warn band, one exhausted per few services.
    const consumed = (s * SLOS_PER_SERVICE + i) % 7 === 0 ? 0.85 : (s * 7 + i * 13) % 100 / 200;
    statuses.push(sloStatus({ name: `svc-${s}-slo-${i}`, service: `svc-${s}`, consumed, burnRate: consumed * 2, labels: { tier: String(s % 3) } }));
  }
}
const byName = new Map(statuses.map((status) => [status.name, status]));

const policies: BudgetPolicy[] = [
  {
    name: 'production-releases',
    selector: { services: ['svc-1', 'svc-2', 'svc-3'], slos: [], labels: {} },
    rules: [
      { name: 'budget-exhausted', decision: 'deny', when: { budgetRemainingBelow: 0 }, environments: ['production'], actions: ['deploy', 'config'], reason: '{slo} has spent its error budget ({budgetRemaining} remaining)' },
      { name: 'paging', decision: 'deny', when: { alertFiring: ['page'] }, environments: ['production'], actions: [], reason: '{slo} is paging (burn rate {burnRate} over {window})' },
      { name: 'budget-low', decision: 'warn', when: { budgetRemainingBelow: 0.25 }, environments: [], actions: [], reason: '{slo} has {budgetRemaining} of its error budget left' },
    ],
    overrides: [{ label: 'type', values: ['security'] }],
    onNoData: 'warn',
  },
];

const dir = mkdtempSync(join(tmpdir(), 'sloe-gate-bench-'));
const store = openSqliteStore(join(dir, 'sloe.db'));
const policy = createPolicy({
  statuses: { latest: () => statuses, get: (name) => byName.get(name) },
  policies,
  // BENCH_JOURNAL=none: no journal at all, to see what recording costs.
  journal: process.env.BENCH_JOURNAL === 'none' ? { append: () => 0, query: () => [] } : store.journal,
  documents: store.documents,
  webhooks: [],
  source: 'urn:sloe:bench',
  // As the daemon wires it: the decisions of one event-loop turn share one SQLite transaction.
  transaction: (work) => store.db.transaction(work)(),
});
// As the daemon does after each evaluation: every verdict decided up front, so a request only looks its answer up.
policy.afterEvaluation?.({ now: Date.now(), statuses, transitions: [] });
const gate = await startServer(createHttpApp([...(policy.routes ?? [])], { notReadyReasons: () => [] }), '127.0.0.1:0');

const bareApp = new Hono();
const bareBody = { decision: 'allow', allowed: true, reasons: ['svc-1: 5 SLOs within policy production-releases'], slos: [], policy: 'production-releases', id: '1', evaluatedAt: new Date().toISOString() };
bareApp.get('/api/v1/gates/:service', (c) => c.json({ ...bareBody, service: c.req.param('service') }));
const bare = await startServer(bareApp, '127.0.0.1:0');

console.log(`PORTS ${gate.address.port} ${bare.address.port}`);

const stop = (): void => {
  void Promise.all([gate.close(100), bare.close(100)]).then(() => {
    // Decisions are counted per distinct verdict and caller (count, firstAt, lastAt): the sum of the counts.
    const decisions = policy.gates.decisions({ limit: 1000 }).data.reduce((sum, entry) => sum + entry.count, 0);
    policy.gates.flush(true);
    store.close();
    rmSync(dir, { recursive: true, force: true });
    console.log(`DECISIONS ${decisions}`);
    process.exit(0);
  });
};
process.on('SIGTERM', stop);
process.stdin.on('end', stop);
process.stdin.resume();
