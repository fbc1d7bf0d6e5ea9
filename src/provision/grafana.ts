import type { Artifacts } from '../generate/index.js';
import { unifiedDiff } from './diff.js';
import { exchange, expectStatus, ProvisionError } from './http.js';
import type { Fetch, HttpReply } from './http.js';
import type { PlannedChange, TargetPlan } from './plan.js';
import { withRetry } from './retry.js';
import type { RetryOptions } from './retry.js';

export interface GrafanaTargetOptions {
  readonly url: string;
  /** A service account token, sent as `Authorization: Bearer`. */
  readonly token?: string;
  /** Title of the folder the dashboards go to; created when missing. */
  readonly folder: string;
  /** The version message Grafana keeps with each saved dashboard. */
  readonly message: string;
  readonly fetch: Fetch;
  readonly retry: RetryOptions;
  readonly timeoutMs: number;
}

/** True when every field sloe sets has the same value in Grafana's copy (Grafana adds id, version and others). */
function covers(remote: unknown, ours: unknown): boolean {
  if (Array.isArray(ours)) return Array.isArray(remote) && remote.length === ours.length && ours.every((item, index) => covers(remote[index], item));
  if (ours !== null && typeof ours === 'object') {
    if (remote === null || typeof remote !== 'object') return false;
    return Object.entries(ours as Record<string, unknown>).every(([key, value]) => value === undefined || covers((remote as Record<string, unknown>)[key], value));
  }
  return remote === ours;
}

function parseJson<T>(reply: HttpReply, what: string): T {
  try {
    return JSON.parse(reply.body) as T;
  } catch (cause) {
    throw new ProvisionError(`${what}: Grafana answered with a body that is not JSON`, { retryable: false, cause });
  }
}

function pretty(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

/** Dashboards through Grafana's HTTP API, into one folder, each saved with overwrite and a version message. */
export async function planGrafana(options: GrafanaTargetOptions, artifacts: Artifacts): Promise<TargetPlan> {
  const base = options.url.replace(/\/+$/, '');
  const headers = { Accept: 'application/json', 'Content-Type': 'application/json', ...(options.token === undefined ? {} : { Authorization: `Bearer ${options.token}` }) };
  const call = (method: string, path: string, expected: readonly number[], body?: unknown): Promise<HttpReply> =>
    withRetry(async () => expectStatus(await exchange(options.fetch, method, `${base}${path}`, { headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }), timeoutMs: options.timeoutMs }), expected, `${method} ${base}${path}`), options.retry);

  const folders = parseJson<{ uid: string; title: string }[]>(await call('GET', '/api/folders?limit=1000', [200]), 'GET /api/folders');
  let folderUid = folders.find((folder) => folder.title === options.folder)?.uid;
  const changes: (PlannedChange & { readonly dashboard?: Readonly<Record<string, unknown>> })[] = [];
  for (const { file } of artifacts.dashboards) {
    const reply = await call('GET', `/api/dashboards/uid/${encodeURIComponent(file.uid)}`, [200, 404]);
    if (reply.status === 404) {
      changes.push({ action: 'create', item: file.uid, diff: unifiedDiff(file.fileName, '', pretty(file.dashboard)), dashboard: file.dashboard });
      continue;
    }
    const remote = parseJson<{ dashboard?: Record<string, unknown>; meta?: { folderUid?: string } }>(reply, `GET /api/dashboards/uid/${file.uid}`);
    const inFolder = folderUid !== undefined && (remote.meta?.folderUid ?? '') === folderUid;
    if (inFolder && covers(remote.dashboard, file.dashboard)) continue;
    const { id: _id, version: _version, ...remoteContent } = remote.dashboard ?? {};
    changes.push({ action: 'update', item: file.uid, diff: unifiedDiff(file.fileName, pretty(remoteContent), pretty(file.dashboard)), dashboard: file.dashboard });
  }
  const wanted = new Set(artifacts.dashboards.map(({ file }) => file.uid));
  const ours = parseJson<{ uid: string; type?: string }[]>(await call('GET', '/api/search?type=dash-db&tag=sloe&limit=5000', [200]), 'GET /api/search');
  for (const found of ours) {
    if (found.uid.startsWith('sloe-') && !wanted.has(found.uid)) changes.push({ action: 'delete', item: found.uid, diff: `--- a/${found.uid}\n+++ /dev/null\n` });
  }
  const needsFolder = folderUid === undefined && changes.some((change) => change.action !== 'delete');
  return {
    target: 'grafana',
    changes: [...(needsFolder ? [{ action: 'create' as const, item: `folder ${options.folder}`, diff: '' }] : []), ...changes.map(({ action, item, diff }) => ({ action, item, diff }))],
    apply: async (onApplied) => {
      if (needsFolder) {
        const created = parseJson<{ uid: string }>(await call('POST', '/api/folders', [200], { title: options.folder }), 'POST /api/folders');
        folderUid = created.uid;
        onApplied({ action: 'create', item: `folder ${options.folder}`, diff: '' });
      }
      for (const change of changes) {
        if (change.action === 'delete') await call('DELETE', `/api/dashboards/uid/${encodeURIComponent(change.item)}`, [200, 404]);
        else await call('POST', '/api/dashboards/db', [200], { dashboard: { ...change.dashboard, id: null }, folderUid, overwrite: true, message: options.message });
        onApplied({ action: change.action, item: change.item, diff: change.diff });
      }
    },
  };
}
