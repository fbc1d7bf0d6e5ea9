import type { GateAction, Labels } from '../core/index.js';
import { badRequest } from '../core/index.js';
import { parseAction, parseEnvironment, parseLabelPairs } from './release.js';
import type { ReleaseMetadata } from './release.js';
import type { GateQuestion } from './verdicts.js';

/** What a gate's query string asks: `env` (or `environment`), `action`, `label=k=v` (repeated), `group.LABEL=VALUE`. */
export interface GateQuery {
  readonly environment?: string;
  readonly action?: GateAction;
  readonly labels: Labels;
  /** The group of a grouped SLO asked about, by its `groupBy` labels; undefined when none is named. */
  readonly group?: Labels;
}

const GROUP_PREFIX = 'group.';
/** A label name as Prometheus allows it. */
const LABEL_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Percent-decoding as forms encode (`+` is a space); plain text, the common case, is returned as is. */
function decode(text: string): string {
  if (!text.includes('%') && !text.includes('+')) return text;
  try {
    return decodeURIComponent(text.replaceAll('+', ' '));
  } catch {
    throw badRequest(`malformed percent-encoding in the query string: ${JSON.stringify(text)}`);
  }
}

/**
 * Parses the query string of a gate URL in one pass over its characters: the gate is asked over and over by
 * pipelines, and a general parser that builds every parameter's list of values cost a tenth of an answer.
 * The first `env` (else `environment`) and `action` count; other parameters are ignored.
 */
export function parseGateQuery(url: string): GateQuery {
  const start = url.indexOf('?');
  if (start < 0) return { labels: {} };
  let environment: string | undefined;
  let environmentAlias: string | undefined;
  let action: string | undefined;
  const labelPairs: string[] = [];
  let group: Record<string, string> | undefined;
  const end = url.indexOf('#', start);
  for (const part of url.slice(start + 1, end < 0 ? undefined : end).split('&')) {
    if (part === '') continue;
    const at = part.indexOf('=');
    const key = decode(at < 0 ? part : part.slice(0, at));
    const value = at < 0 ? '' : decode(part.slice(at + 1));
    if (key === 'env') environment ??= value;
    else if (key === 'environment') environmentAlias ??= value;
    else if (key === 'action') action ??= value;
    else if (key === 'label') labelPairs.push(value);
    else if (key.startsWith(GROUP_PREFIX)) {
      const name = key.slice(GROUP_PREFIX.length);
      if (!LABEL_NAME.test(name)) throw badRequest(`${key}: expected group.LABEL=VALUE with a label name (letters, digits, '_'), got ${JSON.stringify(name)}`);
      group ??= {};
      group[name] = value;
    }
  }
  const parsedEnvironment = parseEnvironment(environment ?? environmentAlias, 'env');
  const parsedAction = parseAction(action, 'action');
  return {
    ...(parsedEnvironment === undefined ? {} : { environment: parsedEnvironment }),
    ...(parsedAction === undefined ? {} : { action: parsedAction }),
    labels: labelPairs.length === 0 ? {} : parseLabelPairs(labelPairs, 'label'),
    ...(group === undefined ? {} : { group }),
  };
}

/**
 * The question a gate request asks, from its query string and (POST) its release metadata, which wins where both
 * speak. The hono route and the fast path (gate-fast-path.ts) both build it here, so they ask the same question.
 */
export function gateQuestion(service: string, query: GateQuery, admin: boolean, userAgent: string | undefined, release?: ReleaseMetadata): GateQuestion {
  const environment = release?.environment ?? query.environment;
  const action = release?.action ?? query.action;
  return {
    service,
    ...(environment === undefined ? {} : { environment }),
    ...(action === undefined ? {} : { action }),
    labels: release === undefined ? query.labels : { ...query.labels, ...release.labels },
    ...(query.group === undefined ? {} : { group: query.group }),
    admin,
    ...(release ? { release: release.release } : {}),
    ...(release?.requester === undefined ? {} : { requester: release.requester }),
    caller: userAgent ?? 'anonymous',
    via: 'gate',
  };
}
