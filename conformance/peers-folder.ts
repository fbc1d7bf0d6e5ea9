import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

/**
 * Where the peer projects' specs are: `SLOE_PEERS`, else `../shared/peers` beside the repository. They are not part of
 * sloe (each folder keeps its project's license), so a clone has no copy; the conformance suite needs one.
 */
export function peersFolder(env: NodeJS.ProcessEnv = process.env): string {
  return resolve(env.SLOE_PEERS ?? join(import.meta.dirname, '..', '..', 'shared', 'peers'));
}

/** Why the folder cannot be used, in words a user can act on, or undefined when it can. */
export function peersFolderProblem(folder: string): string | undefined {
  if (existsSync(folder) && statSync(folder).isDirectory()) return undefined;
  return [
    `The conformance suite needs the peer projects' example specs, and ${folder} does not exist.`,
    'Point SLOE_PEERS at a folder holding sloth/examples, sloth/expected-rules and openslo (the shared/peers folder',
    'CI checks out beside the repository), or place it at ../shared/peers, then run `npm run test:peers` again.',
  ].join('\n');
}

export const PEERS = peersFolder();
