/** The one error type: a stable code, an HTTP-ish status for adapters that need one, and a cause. */
export class SloeError extends Error {
  readonly code: string;
  readonly status: number;

  constructor(code: string, message: string, options: { status?: number; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'SloeError';
    this.code = code;
    this.status = options.status ?? 500;
  }
}

/**
 * A request the caller must change: 400 with the reason, mapped to `{"error": {"code", "message"}}` by the HTTP
 * layer's one error handler. Every route (api, policy, review, notify) throws these rather than building responses.
 */
export function badRequest(message: string, code = 'bad_request', cause?: unknown): SloeError {
  return new SloeError(code, message, { status: 400, ...(cause === undefined ? {} : { cause }) });
}

/** Something the request names does not exist: 404 with what was missing. */
export function notFound(message: string, code = 'not_found'): SloeError {
  return new SloeError(code, message, { status: 404 });
}

/** A problem found in a spec file, reported as `FILE:LINE:COLUMN: message` (1-based). */
export interface Problem {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly message: string;
}

export function formatProblem(problem: Problem): string {
  return `${problem.file}:${problem.line}:${problem.column}: ${problem.message}`;
}
