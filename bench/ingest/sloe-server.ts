/**
 * sloe's ingest with the real engine and SQLite store, in its own process (so the load generator does not share its
 * event loop): prints `LISTENING <url>` and runs until stdin closes or SIGTERM.
 */
import { startSloeIngest } from '../../test/ingest/sloe-harness.js';
import { SLI_METRIC } from './payload.js';

const specYaml = `
apiVersion: sloe/v1
kind: SLO
metadata:
  name: checkout-availability
spec:
  service: checkout
  window: 30d
  objectives:
    - targetPercent: 99.9
  sli:
    ratio:
      bad: sum(rate(${SLI_METRIC}{job="checkout",code=~"5.."}[{{.window}}]))
      total: sum(rate(${SLI_METRIC}{job="checkout"}[{{.window}}]))
`;

const sloe = await startSloeIngest({ specYaml });
console.log(`LISTENING ${sloe.url}`);
const stop = () => {
  void sloe.close().then(() => process.exit(0));
};
process.once('SIGTERM', stop);
process.stdin.on('end', stop);
process.stdin.resume();
