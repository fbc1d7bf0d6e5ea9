/**
 * sloe's ingest in front of the real engine and SQLite store, listening on 127.0.0.1 (a free port): what the
 * Prometheus end-to-end tests and the ingest benchmark send to. The daemon wires the same parts (src/app).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHttpApp, startServer } from '../../src/api/index.js';
import type { RemoteSeries } from '../../src/core/index.js';
import { Engine } from '../../src/engine/index.js';
import type { PullSettings } from '../../src/engine/index.js';
import { createIngest } from '../../src/ingest/index.js';
import type { Ingest, IngestOptions } from '../../src/ingest/index.js';
import { loadSpecs } from '../../src/spec/index.js';
import { openSqliteStore } from '../../src/store/index.js';

export interface SloeIngest {
  readonly url: string;
  readonly engine: Engine;
  readonly ingest: Ingest;
  close(): Promise<void>;
}

export async function startSloeIngest(options: { specYaml: string; clock?: () => number; remote?: RemoteSeries; pullSettings?: PullSettings; remoteSources?: string[]; ingest?: Partial<IngestOptions> }): Promise<SloeIngest> {
  const loaded = loadSpecs([{ path: 'slos.yaml', content: new TextEncoder().encode(options.specYaml) }], { remoteSources: options.remoteSources ?? [] });
  if (loaded.problems.length > 0) throw new Error(`test specs invalid: ${JSON.stringify(loaded.problems)}`);
  const dir = mkdtempSync(join(tmpdir(), 'sloe-ingest-'));
  const store = openSqliteStore(join(dir, 'sloe.db'));
  const engine = new Engine({
    specs: loaded.specs,
    store: store.engine,
    documents: store.documents,
    journal: store.journal,
    clock: options.clock ?? Date.now,
    ...(options.remote === undefined ? {} : { remote: options.remote }),
    ...(options.pullSettings === undefined ? {} : { pullSettings: options.pullSettings }),
  });
  const ingest = createIngest({ appender: engine, ...options.ingest });
  const server = await startServer(createHttpApp(ingest.routes, { notReadyReasons: () => [] }), '127.0.0.1:0');
  return {
    url: `http://127.0.0.1:${server.address.port}`,
    engine,
    ingest,
    close: async () => {
      await engine.close();
      await server.close(1_000);
      store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
