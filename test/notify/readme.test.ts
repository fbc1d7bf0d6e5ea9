import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { Router, buildReceivers } from '../../src/notify/index.js';
import type { AlertNotification } from '../../src/notify/index.js';

/** The routing example of docs/notifications.md, as a configuration file. */
function readmeRoutingExample(): string {
  const readme = readFileSync(new URL('../../docs/notifications.md', import.meta.url), 'utf8');
  const section = readme.slice(readme.indexOf('## Routing'));
  const match = /```yaml\n([\s\S]*?)```/.exec(section);
  if (!match?.[1]) throw new Error('docs/notifications.md: no yaml example under "## Routing"');
  return match[1];
}

describe('the routing example in docs/notifications.md', () => {
  it('is a valid configuration whose routes do what the text says', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sloe-readme-'));
    try {
      const file = join(dir, 'sloe.yaml');
      writeFileSync(file, readmeRoutingExample());
      const config = loadConfig({ file });
      const receivers = buildReceivers(config.notifiers, { leaseMs: 240_000 });
      const router = new Router(config.notifiers.routes, receivers);
      const route = (service: string, severity: string, labels: Record<string, string> = {}) =>
        router.receiversFor({ service, slo: `${service}-availability`, severity, labels: { ...labels, severity } } as unknown as AlertNotification).map((receiver) => receiver.name);
      expect(receivers.map((receiver) => receiver.name)).toEqual(['alertmanager', 'alertmanager-2', 'pd-payments', 'payments-chat', 'platform-chat']);
      expect(route('checkout', 'page')).toEqual(['alertmanager', 'alertmanager-2', 'pd-payments', 'payments-chat']);
      expect(route('search', 'ticket', { team: 'platform' })).toEqual(['platform-chat']);
      expect(route('sandbox', 'page')).toEqual([]);
      expect(route('search', 'page')).toEqual(['alertmanager', 'alertmanager-2']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
