import type { CommandContext } from './context.js';

/** Where the read commands (`status`, `report`) find the daemon, and how long they wait for it. */
export interface DaemonTarget {
  readonly base: string;
  readonly token: string | undefined;
  readonly timeoutMs: number;
}

/** The flags every command that asks the daemon takes; `--url` and `--token` fall back to $SLOE_URL and $SLOE_TOKEN. */
export interface DaemonFlags {
  url?: string;
  token?: string;
  timeout?: string;
}

export const DEFAULT_DAEMON_URL = 'http://127.0.0.1:9797';
const DEFAULT_TIMEOUT_MS = 10_000;

export function daemonTarget(flags: DaemonFlags, context: CommandContext): DaemonTarget {
  const timeout = Number(flags.timeout);
  return {
    base: (flags.url ?? context.env.SLOE_URL ?? DEFAULT_DAEMON_URL).replace(/\/+$/, ''),
    token: flags.token ?? context.env.SLOE_TOKEN,
    timeoutMs: Number.isFinite(timeout) && timeout > 0 ? timeout : DEFAULT_TIMEOUT_MS,
  };
}

/** The daemon could not be reached at all (refused, reset, timed out): the message names the URL and the cause. */
export class DaemonUnreachable extends Error {}

export interface DaemonAnswer {
  readonly status: number;
  readonly contentType: string;
  readonly text: string;
  /** The body parsed as JSON; undefined when it is not JSON. */
  readonly json: unknown;
}

/**
 * One GET to the daemon with the read token. A transport failure throws DaemonUnreachable with the socket's own
 * reason (fetch hides it in `cause`, and "fetch failed" alone tells a user nothing); any HTTP answer is returned.
 */
export async function getFromDaemon(target: DaemonTarget, path: string, accept = 'application/json'): Promise<DaemonAnswer> {
  let response: Response;
  try {
    response = await fetch(`${target.base}${path}`, {
      headers: { accept, ...(target.token ? { authorization: `Bearer ${target.token}` } : {}) },
      signal: AbortSignal.timeout(target.timeoutMs),
    });
  } catch (error) {
    const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : '';
    throw new DaemonUnreachable(`cannot reach ${target.base}: ${error instanceof Error ? error.message : String(error)}${cause}`);
  }
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, contentType: response.headers.get('content-type') ?? '', text, json };
}

/**
 * getFromDaemon for a command: when the daemon cannot be reached, says so as `sloe COMMAND: ...` on stderr, sets exit
 * status 2 and returns undefined; other errors propagate.
 */
export async function askDaemon(command: string, context: CommandContext, target: DaemonTarget, path: string, accept?: string): Promise<DaemonAnswer | undefined> {
  try {
    return await getFromDaemon(target, path, accept);
  } catch (error) {
    if (!(error instanceof DaemonUnreachable)) throw error;
    context.stderr(`sloe ${command}: ${error.message}\n`);
    context.exitCode = 2;
    return undefined;
  }
}

/** `HTTP 400: from: "x" is not a time ...`: the status and the API's own reason, when it gave one. */
export function refusal(answer: DaemonAnswer): string {
  const message = (answer.json as { error?: { message?: unknown } } | undefined)?.error?.message;
  return `HTTP ${answer.status}${typeof message === 'string' ? `: ${message}` : ''}`;
}
