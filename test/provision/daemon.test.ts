import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startDaemon } from '../../src/app/index.js';
import type { Daemon } from '../../src/app/index.js';
import { logSink, sloSpec, workspace } from '../app/daemon-fixture.js';
import { FakeGrafana } from './grafana-fake.js';
import { serveApp } from './serve.js';
import type { Served } from './serve.js';

let daemon: Daemon | undefined;
let grafana: Served | undefined;
afterEach(async () => {
  await daemon?.stop();
  await grafana?.close();
  daemon = undefined;
  grafana = undefined;
});

async function until(what: string, check: () => boolean, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('the daemon provisions when specs load', () => {
  it('writes rule files and pushes dashboards at start, and again after a reload changes a spec', async () => {
    const space = workspace();
    const rulesDir = join(space.root, 'rules');
    const fake = new FakeGrafana('token');
    grafana = await serveApp(fake.app());
    space.write('checkout.yaml', sloSpec('checkout-availability', 'checkout'));
    const config = space.config({}, { SLOE_PROVISIONING_PROMETHEUS: `{ rulesDir: ${rulesDir} }`, SLOE_PROVISIONING_GRAFANA: `{ url: ${grafana.url}, token: token, folder: SLOs }` });
    try {
      daemon = await startDaemon(config, { env: {}, logDestination: logSink().stream });
      const file = join(rulesDir, 'checkout.rules.yaml');
      await until('the rule file', () => existsSync(file));
      await until('the dashboards', () => fake.dashboards.has('sloe-checkout') && fake.dashboards.has('sloe-overview'));
      expect(readFileSync(file, 'utf8')).toContain('vector(0.999)');

      space.write('checkout.yaml', sloSpec('checkout-availability', 'checkout', 99.5));
      expect((await fetch(`${daemon.url}/-/reload`, { method: 'POST' })).status).toBe(200);
      await until('the rule file to change', () => readFileSync(file, 'utf8').includes('vector(0.995)'));
      await until('the dashboard to change', () => (fake.dashboards.get('sloe-checkout')?.version ?? 0) === 2);
      expect(fake.dashboards.get('sloe-overview')?.version).toBe(1);
    } finally {
      rmSync(space.root, { recursive: true, force: true });
    }
  });
});
