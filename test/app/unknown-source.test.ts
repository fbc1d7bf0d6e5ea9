import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startDaemon } from '../../src/app/index.js';
import { loadConfig } from '../../src/config/index.js';
import { logSink, sloSpec, workspace } from './daemon-fixture.js';

/** An SLI that names a source, so the engine would ask that source for every figure. */
function namingSource(source: string): string {
  return sloSpec('checkout-availability', 'checkout').replace('  sli:\n', `  sli:\n    source: ${source}\n`);
}

describe('sloe serve and an SLI naming a remote source', () => {
  it('refuses to start when the source is not configured, naming the SLO and the source', async () => {
    const space = workspace();
    space.write('checkout.yaml', namingSource('thanos'));
    await expect(startDaemon(space.config(), { env: {}, logDestination: logSink().stream })).rejects.toThrow(
      /checkout\.yaml:13:12: SLO 'checkout-availability': its SLI names the data source 'thanos', which is not a configured remote query source \(none is configured\)/,
    );
  });

  it('starts when the configuration has a source of that name', async () => {
    const space = workspace();
    space.write('checkout.yaml', namingSource('thanos'));
    const file = join(space.root, 'sloe.yaml');
    writeFileSync(file, 'sources:\n  - { name: thanos, url: "http://127.0.0.1:9/" }\n');
    const config = loadConfig({ file, env: {}, flags: { listen: '127.0.0.1:0', slos: [space.specs], data: space.data, logLevel: 'warn' } });
    const daemon = await startDaemon(config, { env: {}, logDestination: logSink().stream });
    try {
      const response = await fetch(`${daemon.url}/api/v1/slos/checkout-availability`);
      expect(response.status).toBe(200);
    } finally {
      await daemon.stop();
    }
  });
});
