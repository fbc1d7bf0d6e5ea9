/**
 * The remote-write load of bench/gate, in its own process: bench/ingest's realistic stream (100,000 series from 200
 * targets, 500 samples per request, 8 shards each on its own kept-alive connection) sent as fast as the daemon takes
 * it. Usage: `ingest-load.ts URL ROUNDS`. It builds ROUNDS scrape rounds, sends the first (it creates the series),
 * prints `READY`; on the stdin line `start` sends the rest back to back; on `stop` (or stdin closing) it stops and
 * prints `SENT <samples> <seconds> <exhausted 0|1> <retried>` (exhausted: the rounds ran out before `stop`;
 * retried: requests the daemon refused with 429 and got again).
 */
import { createInterface } from 'node:readline';
import { SHARDS, streamBodies } from '../ingest/stream.js';
import { remoteWriteSender } from '../ingest/sender.js';

const [url, roundsText] = process.argv.slice(2);
const rounds = Number(roundsText);
if (url === undefined || !Number.isInteger(rounds) || rounds < 2) throw new Error('usage: ingest-load.ts URL ROUNDS (at least 2)');
const SAMPLES_PER_REQUEST = 500;
// Like Prometheus: a 429 (the daemon sheds load while its event loop runs late) is sent again after Retry-After.
const post = remoteWriteSender(SHARDS, { retry: true });
const target = `${url}/api/v1/write`;
// Timestamps end now, so the daemon's windows hold them.
const bodies = streamBodies(rounds, Date.now() - rounds * 15_000);
const perRound = bodies[0]!.length / rounds;

async function send(fromRound: number, toRound: number, stopped: () => boolean): Promise<number> {
  const sent = await Promise.all(
    bodies.map(async (shard) => {
      let samples = 0;
      for (let i = fromRound * perRound; i < toRound * perRound && !stopped(); i++) {
        await post(target, shard[i]!);
        samples += SAMPLES_PER_REQUEST;
      }
      return samples;
    }),
  );
  return sent.reduce((sum, one) => sum + one, 0);
}

await send(0, 1, () => false);
console.log('READY');
let stopping = false;
let running: Promise<{ samples: number; seconds: number; exhausted: boolean }> | undefined;
const lines = createInterface({ input: process.stdin });
const finish = async (): Promise<void> => {
  stopping = true;
  const result = await running;
  console.log(result ? `SENT ${result.samples} ${result.seconds.toFixed(3)} ${result.exhausted ? 1 : 0} ${post.retried()}` : `SENT 0 0 0 ${post.retried()}`);
  process.exit(0);
};
lines.on('line', (line) => {
  if (line === 'start' && running === undefined) {
    const started = performance.now();
    running = send(1, rounds, () => stopping).then((samples) => ({ samples, seconds: (performance.now() - started) / 1000, exhausted: !stopping }));
  }
  if (line === 'stop') void finish();
});
lines.on('close', () => void finish());
