import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Artifacts } from '../generate/index.js';
import { unifiedDiff } from './diff.js';
import { applyFolder, planFolder, writeFileAtomic } from './files.js';
import type { FileChange } from './files.js';
import { isGeneratedRuleFile } from './generated-files.js';
import { exchange, expectStatus, ProvisionError } from './http.js';
import type { Fetch } from './http.js';
import type { PlannedChange, TargetPlan } from './plan.js';
import { withRetry } from './retry.js';
import type { RetryOptions } from './retry.js';

export interface PrometheusTargetOptions {
  readonly rulesDir: string;
  /** `POST` here after the files change (`http://127.0.0.1:9090/-/reload`, needs `--web.enable-lifecycle`). */
  readonly reloadUrl?: string;
  readonly fetch: Fetch;
  readonly retry: RetryOptions;
  readonly timeoutMs: number;
}

/**
 * Marks rule files written but not yet reloaded, so a failed reload is retried by the next run even though the files
 * are already current (otherwise "nothing changed" would leave Prometheus on the old rules, silently).
 */
const RELOAD_PENDING = '.sloe-reload-pending';

function changeOf(change: FileChange): PlannedChange {
  const before = change.kind === 'add' ? '' : change.before;
  const after = change.kind === 'remove' ? '' : change.content;
  return { action: change.kind === 'add' ? 'create' : change.kind === 'change' ? 'update' : 'delete', item: change.fileName, diff: unifiedDiff(change.fileName, before, after) };
}

/** Rule files into a folder Prometheus (or Thanos Ruler) reads, then a reload. */
export function planPrometheus(options: PrometheusTargetOptions, artifacts: Artifacts): TargetPlan {
  const fileChanges = planFolder(options.rulesDir, artifacts.rules, isGeneratedRuleFile);
  const reloadPending = existsSync(join(options.rulesDir, RELOAD_PENDING));
  const changes = fileChanges.map(changeOf);
  const reload = options.reloadUrl !== undefined && (fileChanges.length > 0 || reloadPending);
  if (reload) changes.push({ action: 'reload', item: options.reloadUrl ?? '', diff: '' });
  return {
    target: 'prometheus',
    changes,
    apply: async (onApplied) => {
      if (fileChanges.length > 0) {
        mkdirSync(options.rulesDir, { recursive: true });
        if (options.reloadUrl !== undefined) writeFileAtomic(join(options.rulesDir, RELOAD_PENDING), 'rule files changed; Prometheus has not reloaded them yet\n');
        applyFolder(options.rulesDir, fileChanges);
        for (const change of changes) if (change.action !== 'reload') onApplied(change);
      }
      if (!reload || options.reloadUrl === undefined) return;
      const url = options.reloadUrl;
      try {
        await withRetry(async () => expectStatus(await exchange(options.fetch, 'POST', url, { timeoutMs: options.timeoutMs }), [200, 204], `POST ${url}`), options.retry);
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        throw new ProvisionError(`rule files are written to ${options.rulesDir}, but Prometheus did not reload them: ${reason}`, { retryable: false, cause: error });
      }
      rmSync(join(options.rulesDir, RELOAD_PENDING), { force: true });
      onApplied({ action: 'reload', item: url, diff: '' });
    },
  };
}
