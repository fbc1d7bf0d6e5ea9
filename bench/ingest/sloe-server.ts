/**
 * sloe's ingest with the real engine and SQLite store, in its own process (so the load generator does not share its
 * event loop), loading the specs at the path given: prints `LISTENING <url>` and runs until stdin closes or SIGTERM.
 */
import { readFileSync } from 'node:fs';
import { startSloeIngest } from '../../test/ingest/sloe-harness.js';

const specPath = process.argv[2];
if (specPath === undefined) throw new Error('usage: sloe-server.ts SPEC_FILE');
// The loop-lag guard (429 while the event loop runs late, to keep gates answering) is off: on a machine shared with
// other work a descheduled process looks late, and the bench measures throughput, as Prometheus's receiver has no guard.
const sloe = await startSloeIngest({ specYaml: readFileSync(specPath, 'utf8'), ingest: { limits: { maxEventLoopLagMs: 0 } } });
console.log(`LISTENING ${sloe.url}`);
const stop = () => {
  void sloe.close().then(() => process.exit(0));
};
process.once('SIGTERM', stop);
process.stdin.on('end', stop);
process.stdin.resume();
