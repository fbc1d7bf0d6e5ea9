/**
 * The receive path in process, without HTTP: decode (remote-write 1.0) and group-commit the realistic stream into the
 * real engine and SQLite store, 8 requests per group, at a given matched share. Prints CPU-seconds per million
 * samples, so the cost of a matched sample can be set beside an unmatched one. Profile it with
 * `node --cpu-prof --import tsx bench/ingest/append.ts 1`; with `node --expose-gc` it also prints the memory retained
 * per matched series (heap and array buffers after a full collection, from before the first round to after the last).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { uncompressSync } from 'snappy';
import { Engine } from '../../src/engine/index.js';
import { decodeWriteRequestV1 } from '../../src/ingest/index.js';
import { loadSpecs } from '../../src/spec/index.js';
import { openSqliteStore } from '../../src/store/index.js';
import { SHARDS, matchedSpecs, streamBodies } from './stream.js';

/** Heap and array buffers in use after a full collection (only with `node --expose-gc`), else undefined. */
function retainedBytes(): number | undefined {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) return undefined;
  gc();
  const usage = process.memoryUsage();
  return usage.heapUsed + usage.external;
}

export function appendCost(share: 0 | 0.1 | 1, rounds = 4): { cpuPerMillion: number; samples: number; retainedPerMatchedSeries: number | undefined } {
  const specs = matchedSpecs(share);
  const loaded = loadSpecs([{ path: 'slos.yaml', content: new TextEncoder().encode(specs.yaml) }], { remoteSources: [] });
  const dir = mkdtempSync(join(tmpdir(), 'sloe-append-'));
  const store = openSqliteStore(join(dir, 'sloe.db'));
  try {
    const engine = new Engine({ specs: loaded.specs, store: store.engine, documents: store.documents, journal: store.journal, clock: Date.now });
    const bodies = streamBodies(rounds + 1, Date.now() - 2 * 60 * 60_000).map((shard) => shard.map((body) => new Uint8Array(uncompressSync(Buffer.from(body)) as Buffer)));
    const options = { wantsMetric: (name: string) => engine.wantsMetric(name), maxSeries: 100_000, encodedSeries: engine.encodedSeries };
    const round = (index: number): number => {
      let samples = 0;
      // Shards hold different numbers of series: each takes its own share of requests per round.
      const perRound = bodies.map((shard) => shard.length / (rounds + 1));
      const most = Math.max(...perRound);
      for (let request = 0; request < most; request++) {
        const group = [];
        for (let shard = 0; shard < SHARDS; shard++) {
          if (request >= perRound[shard]!) continue;
          const batch = decodeWriteRequestV1(bodies[shard]![index * perRound[shard]! + request]!, options);
          samples += batch.stats.samples;
          group.push(batch.known === undefined ? { series: batch.series, protocol: 'remote_write' as const } : { series: batch.series, known: batch.known, protocol: 'remote_write' as const });
        }
        engine.appendGroup(group);
      }
      return samples;
    };
    const memoryBefore = retainedBytes();
    round(0);
    const before = process.cpuUsage();
    let samples = 0;
    for (let index = 1; index <= rounds; index++) samples += round(index);
    const used = process.cpuUsage(before);
    // What the engine holds per series it reads (its state, key, label encodings, the store's maps), garbage collected.
    const memoryAfter = retainedBytes();
    const retainedPerMatchedSeries = memoryBefore === undefined || memoryAfter === undefined || specs.matchedSeries === 0 ? undefined : (memoryAfter - memoryBefore) / specs.matchedSeries;
    return { cpuPerMillion: ((used.user + used.system) / 1e6 / samples) * 1e6, samples, retainedPerMatchedSeries };
  } finally {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const share of (process.argv[2] ?? '0,0.1,1').split(',').map(Number) as (0 | 0.1 | 1)[]) {
    const { cpuPerMillion, retainedPerMatchedSeries } = appendCost(share, Number(process.env.ROUNDS ?? 4));
    const memory = retainedPerMatchedSeries === undefined ? '' : `, ${Math.round(retainedPerMatchedSeries)} bytes retained per matched series after GC`;
    console.log(`${share * 100} % matched: ${cpuPerMillion.toFixed(2)} CPU-s per million samples (decode + append + commit, in process)${memory}`);
  }
}
