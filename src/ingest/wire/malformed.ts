import type { SloeError } from '../../core/index.js';
import { badRequest } from '../../core/index.js';

/** A body that is not what its content type says: the sender must not retry it, so it is a 400. */
export function malformed(message: string, cause?: unknown): SloeError {
  return badRequest(message, 'malformed_request', cause);
}
