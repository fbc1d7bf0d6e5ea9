import type { AppendResult, IngestProtocol } from '../../core/index.js';
import { SloeError } from '../../core/index.js';
import type { DecodedBatch } from '../decoded.js';
import type { GroupCommit } from './group-commit.js';

/** What a request did, for the response and the metrics: the decoder's early drops merged with the engine's. */
export interface CommitOutcome {
  readonly result: AppendResult | undefined;
  /** Samples the sender should see as refused (invalid, out of order, over the cardinality limit). */
  readonly rejected: number;
  readonly rejectedReasons: readonly string[];
}

/** Engine drops that are refusals from the sender's point of view; `unmatched` and `duplicate` are not. */
const REFUSALS: Readonly<Record<string, string>> = {
  invalid: 'invalid samples',
  out_of_order: 'samples older than the latest of their series',
  cardinality_limit: 'series over the per-SLI cardinality limit',
};

/**
 * Appends a decoded batch with its group; it settles once the group is committed, so after this the request may be
 * acknowledged. A failure of the engine or its store is a 503: the data is not lost, the sender keeps it and retries.
 */
export async function commitBatch(group: GroupCommit, batch: DecodedBatch, protocol: IngestProtocol): Promise<CommitOutcome> {
  let result: AppendResult | undefined;
  if (batch.series.length > 0 || batch.known !== undefined) {
    try {
      result = await group.append(batch.known === undefined ? { series: batch.series, protocol } : { series: batch.series, known: batch.known, protocol });
    } catch (error) {
      if (error instanceof SloeError && error.status < 500) throw error;
      throw new SloeError('storage_unavailable', `samples could not be committed, retry: ${error instanceof Error ? error.message : String(error)}`, { status: 503, cause: error });
    }
  }
  let rejected = batch.stats.invalid;
  const reasons = [...batch.stats.invalidReasons];
  for (const [reason, count] of Object.entries(result?.dropped ?? {})) {
    const text = REFUSALS[reason];
    if (text === undefined || count <= 0) continue;
    rejected += count;
    reasons.push(`${count} ${text}`);
  }
  return { result, rejected, rejectedReasons: reasons };
}
