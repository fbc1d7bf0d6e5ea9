import { parse, stringify } from 'yaml';
import type { Artifacts, RuleGroup } from '../generate/index.js';
import { renderRuleGroup } from '../generate/index.js';
import { unifiedDiff } from './diff.js';
import { exchange, expectStatus, ProvisionError } from './http.js';
import type { Fetch } from './http.js';
import type { PlannedChange, TargetPlan } from './plan.js';
import { withRetry } from './retry.js';
import type { RetryOptions } from './retry.js';

export interface MimirTargetOptions {
  /** Base URL of Mimir or Cortex, e.g. `http://mimir:8080`. */
  readonly url: string;
  /** Sent as `X-Scope-OrgID`; unset for a single-tenant Cortex. */
  readonly tenant?: string;
  /** The rule namespace sloe owns: groups in it that sloe no longer generates are deleted. */
  readonly namespace: string;
  /** API prefix: `/prometheus` for Mimir (its default), `/api/v1` style prefixes for Cortex setups. */
  readonly prefix: string;
  readonly fetch: Fetch;
  readonly retry: RetryOptions;
  readonly timeoutMs: number;
}

/** A group as comparable text: parsed and printed with sorted keys, so formatting differences are not changes. */
function canonical(group: unknown): string {
  const sortKeys = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(sortKeys);
    if (value !== null && typeof value === 'object') {
      return Object.fromEntries(
        Object.entries(value as Record<string, unknown>)
          .filter(([, entry]) => entry !== undefined && entry !== null && !(typeof entry === 'object' && Object.keys(entry).length === 0))
          .sort(([a], [b]) => (a < b ? -1 : 1))
          .map(([key, entry]) => [key, sortKeys(entry)]),
      );
    }
    return value;
  };
  return stringify(sortKeys(group), { lineWidth: 0 });
}

function rulesUrl(options: MimirTargetOptions, group?: string): string {
  const base = `${options.url.replace(/\/+$/, '')}${options.prefix}/config/v1/rules/${encodeURIComponent(options.namespace)}`;
  return group === undefined ? base : `${base}/${encodeURIComponent(group)}`;
}

function headers(options: MimirTargetOptions, contentType?: string): Record<string, string> {
  return { ...(options.tenant === undefined ? {} : { 'X-Scope-OrgID': options.tenant }), ...(contentType === undefined ? {} : { 'Content-Type': contentType }) };
}

/** The namespace's groups as the ruler has them: `GET` answers `{namespace: [groups]}` as YAML, or 404 when empty. */
async function readGroups(options: MimirTargetOptions): Promise<Map<string, unknown>> {
  const url = rulesUrl(options);
  const reply = await withRetry(async () => expectStatus(await exchange(options.fetch, 'GET', url, { headers: headers(options), timeoutMs: options.timeoutMs }), [200, 404], `GET ${url}`), options.retry);
  if (reply.status === 404) return new Map();
  let document: unknown;
  try {
    document = parse(reply.body);
  } catch (cause) {
    throw new ProvisionError(`GET ${url}: the ruler answered with YAML that does not parse: ${(cause as Error).message}`, { retryable: false, cause });
  }
  const groups = (document as Record<string, unknown> | null)?.[options.namespace];
  if (!Array.isArray(groups)) return new Map();
  return new Map(groups.map((group) => [String((group as { name?: unknown }).name), group as unknown]));
}

/** Rule groups through the Mimir/Cortex ruler API, one `POST` per changed group, `DELETE` for groups no longer made. */
export async function planMimir(options: MimirTargetOptions, artifacts: Artifacts): Promise<TargetPlan> {
  const current = await readGroups(options);
  const wanted: RuleGroup[] = artifacts.rules.flatMap((file) => file.file.groups);
  const changes: (PlannedChange & { readonly body?: string })[] = [];
  for (const group of wanted) {
    const body = renderRuleGroup(group);
    const existing = current.get(group.name);
    const before = existing === undefined ? '' : canonical(existing);
    const after = canonical(parse(body));
    if (before === after) continue;
    changes.push({ action: existing === undefined ? 'create' : 'update', item: `${options.namespace}/${group.name}`, diff: unifiedDiff(`${options.namespace}/${group.name}`, before, after), body });
  }
  const names = new Set(wanted.map((group) => group.name));
  for (const [name, group] of current) {
    if (!names.has(name)) changes.push({ action: 'delete', item: `${options.namespace}/${name}`, diff: unifiedDiff(`${options.namespace}/${name}`, canonical(group), '') });
  }
  return {
    target: 'mimir',
    changes: changes.map(({ action, item, diff }) => ({ action, item, diff })),
    apply: async (onApplied) => {
      for (const change of changes) {
        const group = change.item.slice(options.namespace.length + 1);
        if (change.action === 'delete') {
          const url = rulesUrl(options, group);
          await withRetry(async () => expectStatus(await exchange(options.fetch, 'DELETE', url, { headers: headers(options), timeoutMs: options.timeoutMs }), [200, 202, 204, 404], `DELETE ${url}`), options.retry);
        } else {
          const url = rulesUrl(options);
          const body = change.body ?? '';
          await withRetry(async () => expectStatus(await exchange(options.fetch, 'POST', url, { headers: headers(options, 'application/yaml'), body, timeoutMs: options.timeoutMs }), [200, 202], `POST ${url} (group ${group})`), options.retry);
        }
        onApplied({ action: change.action, item: change.item, diff: change.diff });
      }
    },
  };
}
