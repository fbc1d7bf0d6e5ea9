import { afterEach, describe, expect, it } from 'vitest';
import { startDaemon } from '../../src/app/index.js';
import type { Daemon } from '../../src/app/index.js';
import { logSink, sloSpec, workspace } from '../app/daemon-fixture.js';

let daemon: Daemon | undefined;
afterEach(async () => {
  await daemon?.stop();
  daemon = undefined;
});

const ADMIN = { authorization: 'Bearer admin-token', 'content-type': 'application/json' };

describe('notifications in the daemon', () => {
  it('serves the silences API behind the admin token, keeps silences across a restart, and exposes queue metrics', async () => {
    const space = workspace();
    space.write('checkout.yaml', sloSpec('checkout-availability', 'checkout'));
    const env = {
      SLOE_AUTH_ADMIN_TOKEN: 'admin-token',
      SLOE_NOTIFIERS_WEBHOOKS: '[{ name: ops-hook, url: "http://127.0.0.1:9/hook", secret: s3cret }]',
      SLOE_NOTIFIERS_ROUTES: '[{ match: { services: [checkout] }, receivers: [ops-hook] }]',
    };
    const config = space.config({}, env);
    daemon = await startDaemon(config, { env: {}, logDestination: logSink().stream });
    const body = JSON.stringify({ slo: 'checkout-availability', endsAt: new Date(Date.now() + 3_600_000).toISOString(), comment: 'database failover drill', createdBy: 'ana' });
    const refused = await fetch(`${daemon.url}/api/v1/silences`, { method: 'POST', body, headers: { 'content-type': 'application/json' } });
    expect(refused.status).toBe(401);
    const created = await fetch(`${daemon.url}/api/v1/silences`, { method: 'POST', body, headers: ADMIN });
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: string };
    const metrics = await (await fetch(`${daemon.url}/metrics`, { headers: ADMIN })).text();
    expect(metrics).toContain('sloe_notification_queue_length{receiver="ops-hook"} 0');

    await daemon.stop();
    daemon = await startDaemon(config, { env: {}, logDestination: logSink().stream });
    const listed = (await (await fetch(`${daemon.url}/api/v1/silences`, { headers: ADMIN })).json()) as { data: { id: string; comment: string; createdBy: string }[] };
    expect(listed.data).toEqual([expect.objectContaining({ id, comment: 'database failover drill', createdBy: 'ana' })]);
    expect((await fetch(`${daemon.url}/api/v1/silences/${id}`, { method: 'DELETE', headers: ADMIN })).status).toBe(204);
    expect(((await (await fetch(`${daemon.url}/api/v1/silences`, { headers: ADMIN })).json()) as { data: unknown[] }).data).toEqual([]);
  });

  it('refuses a route to a receiver that does not exist, naming it', async () => {
    const space = workspace();
    space.write('checkout.yaml', sloSpec('checkout-availability', 'checkout'));
    const config = space.config({}, { SLOE_NOTIFIERS_ROUTES: '[{ match: {}, receivers: [pagerduty] }]' });
    await expect(startDaemon(config, { env: {}, logDestination: logSink().stream })).rejects.toThrow(/notifiers.routes\[0\].receivers: no receiver named pagerduty \(known: none\)/);
  });
});
