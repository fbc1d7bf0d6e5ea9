/**
 * The receive path in process, without HTTP: decode (remote-write 1.0) and group-commit the realistic stream into the
 * real engine and SQLite store, 8 requests per group, at a given matched share. Prints CPU-seconds per million
 * samples, so the cost of a matched sample can be set beside an unmatched one. Profile it with
 * `node --cpu-prof --import tsx bench/ingest/append.ts 1`; with `node --expose-gc` it also prints the memory retained
 * per matched series (heap and array buffers after a full collection, from before the first round to after the last).
 * `npx tsx bench/ingest/append.ts 0.1 --decode-only` measures the decoder alone (see appendCost).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
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

/**
 * `decodeOnly`: after round 0 is appended (so the engine's index of label encodings is warm), rounds 1 to `rounds` are
 * only decoded, `repetitions` times, and the least CPU per million samples is returned: the decoder's own cost, the
 * figure docs/ingest-receive-path.md pairs before and after each change (the minimum, as the least disturbed by
 * other processes on a shared machine).
 */
export function appendCost(share: 0 | 0.1 | 1, rounds = 4, decodeOnly?: { repetitions: number }): { cpuPerMillion: number; samples: number; retainedPerMatchedSeries: number | undefined } {
  const specs = matchedSpecs(share);
  const loaded = loadSpecs([{ path: 'slos.yaml', content: new TextEncoder().encode(specs.yaml) }], { remoteSources: [] });
  const dir = mkdtempSync(join(tmpdir(), 'sloe-append-'));
  const store = openSqliteStore(join(dir, 'sloe.db'));
  try {
    const engine = new Engine({ specs: loaded.specs, store: store.engine, documents: store.documents, journal: store.journal, clock: Date.now });
    const bodies = streamBodies(rounds + 1, Date.now() - 2 * 60 * 60_000).map((shard) => shard.map((body) => new Uint8Array(uncompressSync(Buffer.from(body)) as Buffer)));
    const options = { wantsMetric: (name: string) => engine.wantsMetric(name), maxSeries: 100_000, encodedSeries: engine.encodedSeries };
    const round = (index: number, append = true): number => {
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
        if (append) engine.appendGroup(group);
      }
      return samples;
    };
    const memoryBefore = retainedBytes();
    round(0);
    if (decodeOnly !== undefined) {
      let least = Infinity;
      let samples = 0;
      for (let repetition = 0; repetition < decodeOnly.repetitions; repetition++) {
        const before = process.cpuUsage();
        samples = 0;
        for (let index = 1; index <= rounds; index++) samples += round(index, false);
        const used = process.cpuUsage(before);
        least = Math.min(least, ((used.user + used.system) / 1e6 / samples) * 1e6);
      }
      return { cpuPerMillion: least, samples, retainedPerMatchedSeries: undefined };
    }
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
  const decodeOnly = process.argv.includes('--decode-only') ? { repetitions: 7 } : undefined;
  for (const share of (process.argv[2] ?? '0,0.1,1').split(',').map(Number) as (0 | 0.1 | 1)[]) {
    if (decodeOnly !== undefined) {
      const { cpuPerMillion } = appendCost(share, Number(process.env.ROUNDS ?? 4), decodeOnly);
      console.log(`${share * 100} % matched: ${cpuPerMillion.toFixed(3)} CPU-s per million samples (decode alone, least of ${decodeOnly.repetitions}); load average ${loadavg()[0]!.toFixed(1)}`);
      continue;
    }
    const { cpuPerMillion, retainedPerMatchedSeries } = appendCost(share, Number(process.env.ROUNDS ?? 4));
    const memory = retainedPerMatchedSeries === undefined ? '' : `, ${Math.round(retainedPerMatchedSeries)} bytes retained per matched series after GC`;
    console.log(`${share * 100} % matched: ${cpuPerMillion.toFixed(2)} CPU-s per million samples (decode + append + commit, in process)${memory}; load average ${loadavg()[0]!.toFixed(1)}`);
  }
}
