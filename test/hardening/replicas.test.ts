/**
 * Replicas (issue #21): two daemons fed the same stream notify Slack and a webhook once per change of state, not once
 * per replica: with `replicas.claimFile` the first replica to claim a change in the shared file sends it, the other
 * counts it as claimed elsewhere. The same two daemons without the file double every message, measured in the same
 * run, so the test sees the doubling it guards against. (Alertmanager merges replicas itself:
 * test/notify/daemon-alertmanager.test.ts; PagerDuty merges them by dedup_key.)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startDaemon } from '../../src/app/index.js';
import type { Daemon } from '../../src/app/index.js';
import { MINUTE } from '../../src/core/index.js';
import { logSink, sloSpec, workspace } from '../app/daemon-fixture.js';
import { FakeServer, waitFor } from '../notify/fake-server.js';

const SPEC = `${sloSpec('checkout-availability', 'checkout')}  alerting:
    name: CheckoutAvailability
`;

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

interface Replica {
  daemon: Daemon;
  now: number;
}

/** Two replicas on their own data, the same receivers, optionally the same claim file; a burn fed to both alike. */
async function runReplicas(claimFile: string | undefined): Promise<{ slack: Map<string, number>; webhook: Map<string, number>; skipped: number }> {
  const slack = await new FakeServer(() => ({ status: 200, body: 'ok' })).start();
  const hook = await new FakeServer(() => ({ status: 200, body: '' })).start();
  cleanups.push(() => slack.stop(), () => hook.stop());
  const start = Date.now() - 80 * MINUTE;
  const replicas: Replica[] = [];
  for (const id of ['sloe-a', 'sloe-b']) {
    const space = workspace();
    cleanups.push(() => rmSync(space.root, { recursive: true, force: true }));
    space.write('checkout.yaml', SPEC);
    const env: Record<string, string> = {
      SLOE_EVALUATION_INTERVAL: '20ms',
      SLOE_NOTIFIERS_SLACK: `[{ webhookUrl: "${slack.url}/services/T0/B0/x" }]`,
      SLOE_NOTIFIERS_WEBHOOKS: `[{ url: "${hook.url}/hook" }]`,
      SLOE_REPLICAS_ID: id,
      ...(claimFile === undefined ? {} : { SLOE_REPLICAS_CLAIM_FILE: claimFile }),
    };
    const replica: Replica = { daemon: undefined as unknown as Daemon, now: start };
    replica.daemon = await startDaemon(space.config({}, env), { env: {}, clock: () => replica.now, logDestination: logSink().stream });
    cleanups.push(() => replica.daemon.stop());
    replicas.push(replica);
  }
  let ok = 0;
  let errors = 0;
  // The same minute of 1,000 checkout requests to each replica, then an evaluation of each at that time.
  const minutes = async (count: number, errorRatio: number) => {
    for (let i = 0; i < count; i++) {
      const bad = Math.round(1000 * errorRatio);
      ok += 1000 - bad;
      errors += bad;
      for (const replica of replicas) {
        replica.now += MINUTE;
        replica.daemon.appender.append(
          [
            { labels: { __name__: 'http_requests_total', job: 'checkout', code: '200' }, timestamps: [replica.now], values: [ok] },
            { labels: { __name__: 'http_requests_total', job: 'checkout', code: '500' }, timestamps: [replica.now], values: [errors] },
          ],
          'remote_write',
        );
      }
      for (const replica of replicas) {
        const at = new Date(replica.now).toISOString();
        await waitFor(async () => ((await (await fetch(`${replica.daemon.url}/api/v1/slos/checkout-availability`)).json()) as { evaluatedAt: string }).evaluatedAt >= at, `an evaluation at ${at}`, 5000, 10);
      }
    }
  };
  const slackChanges = () => {
    const counts = new Map<string, number>();
    for (const request of slack.requests) {
      const headline = (JSON.parse(request.body) as { text: string }).text.split(':')[0] ?? '';
      counts.set(headline, (counts.get(headline) ?? 0) + 1);
    }
    return counts;
  };
  await minutes(10, 0);
  await minutes(25, 0.05);
  await waitFor(() => slackChanges().has('FIRING page') && hook.requests.length > 0, 'the page at Slack and the webhook');
  await minutes(30, 0);
  await waitFor(() => slackChanges().has('RESOLVED page'), 'the resolve at Slack');
  // Whatever the slower replica still had to send has had its time.
  for (const replica of replicas) await replica.daemon.stop();
  const webhook = new Map<string, number>();
  for (const request of hook.requests) {
    const body = JSON.parse(request.body) as { status: string; alert: { incident: string } };
    const key = `${body.status} ${body.alert.incident}`;
    webhook.set(key, (webhook.get(key) ?? 0) + 1);
  }
  const skipped = await Promise.all(replicas.map(async (replica) => (await replica.daemon.metrics.registry.getSingleMetricAsString('sloe_notifications_claimed_elsewhere_total').catch(() => ''))));
  const skippedCount = skipped.join('\n').split('\n').filter((line) => line.startsWith('sloe_notifications_claimed_elsewhere_total{')).reduce((sum, line) => sum + Number(line.split(' ').pop()), 0);
  return { slack: slackChanges(), webhook, skipped: skippedCount };
}

describe('two replicas fed the same stream', () => {
  it('send each change of state to Slack and the webhook once with a claim file, twice without', { timeout: 120_000 }, async () => {
    const doubled = await runReplicas(undefined);
    const claimDir = mkdtempSync(join(tmpdir(), 'sloe-claims-'));
    cleanups.push(() => rmSync(claimDir, { recursive: true, force: true }));
    const once = await runReplicas(join(claimDir, 'claims.db'));
    console.log(`without a claim file: slack ${JSON.stringify([...doubled.slack])}, webhook ${JSON.stringify([...doubled.webhook])}\nwith one: slack ${JSON.stringify([...once.slack])}, webhook ${JSON.stringify([...once.webhook])}, claimed elsewhere ${once.skipped}`);
    // Without: every change reaches each receiver from both replicas.
    expect(doubled.slack.get('FIRING page')).toBe(2);
    expect([...doubled.webhook.values()].every((count) => count === 2)).toBe(true);
    // With: the same changes, each once; what the other replica would have sent is counted.
    expect([...once.slack.keys()].sort()).toEqual([...doubled.slack.keys()].sort());
    expect([...once.slack.values()].every((count) => count === 1)).toBe(true);
    expect([...once.webhook.keys()].sort()).toEqual([...doubled.webhook.keys()].sort());
    expect([...once.webhook.values()].every((count) => count === 1)).toBe(true);
    expect(once.skipped).toBe([...once.slack.values(), ...once.webhook.values()].length);
  });
});
