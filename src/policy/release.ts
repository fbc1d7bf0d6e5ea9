import type { GateAction, Labels } from '../core/index.js';
import { SloeError, badRequest } from '../core/index.js';

export const ACTIONS: readonly GateAction[] = ['deploy', 'provision', 'config'];

export function parseAction(value: unknown, where: string): GateAction | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value === 'string' && (ACTIONS as readonly string[]).includes(value)) return value as GateAction;
  throw badRequest(`${where}: expected one of ${ACTIONS.join(', ')}, got ${JSON.stringify(value)}`);
}

export function parseEnvironment(value: unknown, where: string): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value === 'string' && /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/.test(value)) return value;
  throw badRequest(`${where}: expected an environment name (letters, digits, '.', '_', '-'), got ${JSON.stringify(value)}`);
}

export function parseLabels(value: unknown, where: string): Labels {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw badRequest(`${where}: expected an object of string labels`);
  const labels: Record<string, string> = {};
  for (const [key, text] of Object.entries(value as Record<string, unknown>)) {
    if (typeof text === 'string') labels[key] = text;
    else if (typeof text === 'number' || typeof text === 'boolean') labels[key] = String(text);
    else throw badRequest(`${where}.${key}: expected a string, got ${JSON.stringify(text)}`);
  }
  return labels;
}

/** `k=v` pairs, as `?label=` and `sloe gate --label` take them. */
export function parseLabelPairs(pairs: readonly string[], where: string): Labels {
  const labels: Record<string, string> = {};
  for (const pair of pairs) {
    const at = pair.indexOf('=');
    if (at <= 0) throw badRequest(`${where}: expected key=value, got ${JSON.stringify(pair)}`);
    labels[pair.slice(0, at)] = pair.slice(at + 1);
  }
  return labels;
}

/** An AdmissionReview carries the object and its old version (etcd allows 1.5 MiB each); more is refused (unread where declared). */
export const MAX_BODY_BYTES = 8 * 1024 * 1024;

/** Reads a JSON object body; an empty body is `{}`. Malformed JSON or another type is a 400 that says so. */
export async function readJsonObject(request: Request, what: string): Promise<Record<string, unknown>> {
  const tooLarge = (): SloeError => new SloeError('payload_too_large', `${what}: the body is larger than ${MAX_BODY_BYTES} bytes`, { status: 413 });
  if (Number(request.headers.get('content-length') ?? 0) > MAX_BODY_BYTES) throw tooLarge();
  const text = await request.text();
  if (text.length > MAX_BODY_BYTES) throw tooLarge();
  if (text.trim().length === 0) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (cause) {
    throw badRequest(`${what}: malformed JSON (${cause instanceof Error ? cause.message : String(cause)})`, 'bad_request', cause);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw badRequest(`${what}: expected a JSON object`);
  return parsed as Record<string, unknown>;
}

/** The release metadata of `POST /api/v1/gates/{service}`. */
export interface ReleaseMetadata {
  readonly environment?: string;
  readonly action?: GateAction;
  readonly labels: Labels;
  readonly requester?: string;
  /** Everything sent, kept with the decision. */
  readonly release: Record<string, unknown>;
}

export function parseRelease(body: Record<string, unknown>): ReleaseMetadata {
  const environment = parseEnvironment(body.environment ?? body.env, 'environment');
  const action = parseAction(body.action, 'action');
  const labels = parseLabels(body.labels, 'labels');
  if (body.version !== undefined && typeof body.version !== 'string') throw badRequest(`version: expected a string, got ${JSON.stringify(body.version)}`);
  if (body.requester !== undefined && typeof body.requester !== 'string') throw badRequest(`requester: expected a string, got ${JSON.stringify(body.requester)}`);
  return {
    ...(environment === undefined ? {} : { environment }),
    ...(action === undefined ? {} : { action }),
    labels,
    ...(typeof body.requester === 'string' ? { requester: body.requester } : {}),
    release: body,
  };
}
