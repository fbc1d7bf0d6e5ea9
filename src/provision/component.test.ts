import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeSlo, specsOf } from '../../test/engine/fixtures.js';
import { createProvisioning } from './component.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
const logger = { info: () => undefined, error: () => undefined };

describe('provisioning component', () => {
  it('pushes the rules at start and again on a spec change, and waits for the run in flight when stopped', async () => {
    const rulesDir = mkdtempSync(join(tmpdir(), 'sloe-provision-'));
    dirs.push(rulesDir);
    const provisioning = createProvisioning({ config: { prometheus: { rulesDir } }, specs: specsOf(makeSlo({})), logger });
    await provisioning.start?.();
    await provisioning.onSpecChange?.(specsOf(makeSlo({}), { ...makeSlo({ name: 'billing-availability' }), service: 'billing' }));
    await provisioning.stop?.(1_000);
    expect(readdirSync(rulesDir).sort()).toEqual(['api.rules.yaml', 'billing.rules.yaml']);
  });

  it('does nothing without a configured target', () => {
    const provisioning = createProvisioning({ config: {}, specs: specsOf(makeSlo({})), logger });
    expect(provisioning).toEqual({ name: 'provision' });
  });
});
