import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildProgram } from '../../src/cli/main.js';
import type { CommandContext } from '../../src/cli/context.js';
import { sloStatus } from '../policy/status-fixture.js';
import { startGateApp } from './harness.js';
import type { GateHarness } from './harness.js';

let harness: GateHarness;
beforeAll(async () => {
  harness = await startGateApp({ tokens: { readToken: 'reader', adminToken: 'admin' } });
});
afterAll(async () => harness.close());

async function sloe(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const context: CommandContext = { exitCode: 0, stdout: (text) => (stdout += text), stderr: (text) => (stderr += text), env: {}, isTTY: false };
  await (await buildProgram(context)).parseAsync(['node', 'sloe', ...args]);
  return { code: context.exitCode, stdout, stderr };
}

/** A port nothing listens on: bound, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('sloe gate', () => {
  it('exits 0 on allow and prints the decision', async () => {
    harness.statuses.evaluate([sloStatus({ name: 'checkout-availability', service: 'checkout', consumed: 0.1 })]);
    const result = await sloe('gate', 'checkout', '--url', harness.url, '--token', 'reader', '--env', 'staging');
    expect(result.stdout).toMatch(/^ALLOW: checkout \(deploy to staging\), policy sloe-default, decision \S+\n {2}- checkout: 1 SLO within policy sloe-default; lowest error budget remaining 90% \(checkout-availability\)\n$/);
    expect(result.code).toBe(0);
  });

  it('exits 0 on warn', async () => {
    harness.statuses.evaluate([sloStatus({ name: 'checkout-availability', service: 'checkout', consumed: 0.9 })]);
    const result = await sloe('gate', 'checkout', '--url', harness.url, '--token', 'reader');
    expect(result.stdout).toContain('WARN: checkout (deploy to production)');
    expect(result.stdout).toContain('  - checkout-availability: only 10% of the error budget remaining (below 25%)');
    expect(result.code).toBe(0);
  });

  it('exits 1 on deny, with the reasons', async () => {
    harness.statuses.evaluate([sloStatus({ name: 'checkout-availability', service: 'checkout', consumed: 1.5 })]);
    const result = await sloe('gate', 'checkout', '--url', harness.url, '--token', 'reader', '--release', '2.0.0');
    expect(result.stdout).toContain('DENY: checkout (deploy to production)');
    expect(result.stdout).toContain('checkout-availability: error budget spent (-50% remaining of 30d');
    expect(result.code).toBe(1);
  });

  it('exits 0 for a security fix with the admin token, and still 1 with only the read token', async () => {
    const admin = await sloe('gate', 'checkout', '--url', harness.url, '--token', 'admin', '--label', 'type=security');
    expect(admin.stdout).toContain('ALLOW: checkout (deploy to production), policy sloe-default');
    expect(admin.stdout).toContain('override type=security');
    expect(admin.code).toBe(0);
    const reader = await sloe('gate', 'checkout', '--url', harness.url, '--token', 'reader', '--label', 'type=security');
    expect(reader.stdout).toContain('type=security asks for an override, which needs the admin token');
    expect(reader.code).toBe(1);
  });

  it('exits 2 when refused, unknown, unreachable or misused', async () => {
    const refused = await sloe('gate', 'checkout', '--url', harness.url, '--token', 'wrong');
    expect(refused).toMatchObject({ code: 2, stdout: '' });
    expect(refused.stderr).toBe(`sloe gate: ${harness.url} answered 401: the bearer token does not grant read scope\n`);
    const unknown = await sloe('gate', 'nosuch', '--url', harness.url, '--token', 'reader');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('answered 404: no SLO or policy covers service nosuch');
    const port = await closedPort();
    const unreachable = await sloe('gate', 'checkout', '--url', `http://127.0.0.1:${port}`);
    expect(unreachable.code).toBe(2);
    expect(unreachable.stderr).toContain(`sloe gate: cannot reach http://127.0.0.1:${port}`);
    // --group reaches the gate: checkout's SLOs are not grouped, so a group is refused with the reason.
    const ungrouped = await sloe('gate', 'checkout', '--url', harness.url, '--token', 'reader', '--group', 'route=/v1/orders');
    expect(ungrouped).toMatchObject({ code: 2, stdout: '' });
    expect(ungrouped.stderr).toBe(`sloe gate: ${harness.url} answered 400: group.route: not a groupBy label of any SLO of service checkout (no SLO of service checkout is grouped)\n`);
    expect((await sloe('gate', 'checkout', '--url', harness.url, '--group', 'route')).stderr).toBe('sloe gate: --group: expected label=value, got route\n');
    const misused = await sloe('gate', 'checkout', '--url', harness.url, '--action', 'launch');
    expect(misused.code).toBe(2);
    expect(misused.stderr).toBe('sloe gate: --action: expected one of deploy, provision, config, got launch\n');
  });
});
