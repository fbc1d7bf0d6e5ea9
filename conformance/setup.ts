import { PEERS, peersFolderProblem } from './peers-folder.js';

/** Fails the whole conformance run, before any test, when the peer specs are missing: never a silent pass. */
export function setup(): void {
  const problem = peersFolderProblem(PEERS);
  if (problem !== undefined) throw new Error(problem);
}
