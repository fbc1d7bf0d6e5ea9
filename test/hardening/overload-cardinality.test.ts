/**
 * Overload (issue #9): a cardinality explosion of a million new series is capped and reported, not fatal, and the
 * gate keeps answering while ingest is saturated. (Senders past the admission bound: overload.test.ts.)
 */
import { describe, expect, it } from 'vitest';
import { remoteWriteBody } from '../helpers/remote-write-encoder.js';
import { explodingSeries, overloadDaemon } from './overload-harness.js';

const daemon = overloadDaemon();
const DROPPED = 'sloe_ingest_dropped_samples_total{protocol="remote_write",reason="cardinality_limit"}';

describe('overload', () => {
  it('caps a million new series for one SLI and reports the drops, and the gate keeps answering', { timeout: 300_000 }, async () => {
    const droppedBefore = await daemon.metric(DROPPED);
    const total = 1_000_000;
    const perRequest = 10_000;
    const timestamp = Date.now() + 2_000;
    let gateAnswers = 0;
    let gateFailures = 0;
    let flooding = true;
    // The gate is asked throughout the flood; every answer must come, and be a verdict.
    const gate = (async () => {
      while (flooding) {
        try {
          const response = await fetch(`${daemon.url}/api/v1/gates/shop`, { signal: AbortSignal.timeout(5_000) });
          const verdict = (await response.json()) as { decision?: string };
          if (response.status === 200 && typeof verdict.decision === 'string') gateAnswers++;
          else gateFailures++;
        } catch {
          gateFailures++;
        }
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    })();
    const statuses = new Map<number, number>();
    for (let from = 0; from < total; from += perRequest) {
      const status = (await daemon.write(remoteWriteBody(explodingSeries(1_000_000 + from, perRequest, timestamp)))).status;
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
    }
    flooding = false;
    await gate;
    // Every request was taken (the cap drops series, it does not refuse senders, who would only retry them).
    expect(Object.fromEntries(statuses)).toEqual({ 204: total / perRequest });
    const dropped = (await daemon.metric(DROPPED)) - droppedBefore;
    // The daemon is this file's own, so nothing else counts against the per-term limit (`limits.seriesPerTerm`,
    // 10,000 by default): exactly that many of the million series are kept, and every other one is dropped.
    expect(dropped).toBe(total - 10_000);
    expect(gateAnswers).toBeGreaterThan(0);
    expect(gateFailures).toBe(0);
    const slo = (await (await fetch(`${daemon.url}/api/v1/slos/shop-availability`)).json()) as { name: string };
    expect(slo.name).toBe('shop-availability');
  });
});
