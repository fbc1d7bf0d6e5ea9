import type { Problem, Slo } from '../core/index.js';
import { generateArtifacts } from '../generate/index.js';
import type { Artifacts, RuleOptions } from '../generate/index.js';
import { planGrafana } from './grafana.js';
import type { Fetch } from './http.js';
import { planMimir } from './mimir.js';
import type { PlannedChange, TargetPlan } from './plan.js';
import { planPrometheus } from './prometheus.js';
import { DEFAULT_RETRY } from './retry.js';
import type { RetryOptions } from './retry.js';

/** The `provisioning` section of the configuration (src/config/table.ts). */
export interface ProvisioningConfig {
  readonly prometheus?: { readonly rulesDir: string; readonly reloadUrl?: string | undefined } | undefined;
  readonly mimir?: { readonly url: string; readonly tenant?: string | undefined; readonly namespace: string; readonly prefix: string } | undefined;
  readonly grafana?: { readonly url: string; readonly token?: string | undefined; readonly folder: string } | undefined;
}

/** The logger calls the provisioner makes (pino's signature), so the daemon can hand in its child logger. */
export interface ProvisionLogger {
  info(fields: Record<string, unknown>, message: string): void;
  error(fields: Record<string, unknown>, message: string): void;
}

export interface ProvisionerOptions {
  readonly config: ProvisioningConfig;
  /** Label profile, split mode and intervals of the generated rules. */
  readonly rules?: Partial<RuleOptions>;
  readonly fetch?: Fetch;
  readonly retry?: Partial<RetryOptions>;
  /** Time limit of one HTTP request. */
  readonly timeoutMs?: number;
  /** Grafana's version message. */
  readonly message?: string;
  readonly logger?: ProvisionLogger;
}

export interface TargetReport {
  readonly target: string;
  readonly planned: readonly PlannedChange[];
  readonly applied: readonly PlannedChange[];
  /** Why the target failed; what was applied before the failure is in `applied`. */
  readonly error?: string;
}

export interface ProvisionReport {
  readonly targets: readonly TargetReport[];
  /** SLOs the rules cannot express; nothing is provisioned while there are any. */
  readonly problems: readonly Problem[];
  readonly ok: boolean;
}

export function configuredTargets(config: ProvisioningConfig): string[] {
  return (['prometheus', 'mimir', 'grafana'] as const).filter((name) => config[name] !== undefined);
}

function planners(options: ProvisionerOptions): { target: string; plan: (artifacts: Artifacts) => Promise<TargetPlan> }[] {
  const common = { fetch: options.fetch ?? fetch, retry: { ...DEFAULT_RETRY, ...options.retry }, timeoutMs: options.timeoutMs ?? 10_000 };
  const { prometheus, mimir, grafana } = options.config;
  return [
    ...(prometheus === undefined ? [] : [{ target: 'prometheus', plan: (artifacts: Artifacts) => Promise.resolve(planPrometheus({ ...common, rulesDir: prometheus.rulesDir, ...(prometheus.reloadUrl === undefined ? {} : { reloadUrl: prometheus.reloadUrl }) }, artifacts)) }]),
    ...(mimir === undefined ? [] : [{ target: 'mimir', plan: (artifacts: Artifacts) => planMimir({ ...common, url: mimir.url, namespace: mimir.namespace, prefix: mimir.prefix, ...(mimir.tenant === undefined ? {} : { tenant: mimir.tenant }) }, artifacts) }]),
    ...(grafana === undefined
      ? []
      : [{ target: 'grafana', plan: (artifacts: Artifacts) => planGrafana({ ...common, url: grafana.url, folder: grafana.folder, message: options.message ?? 'sloe provision', ...(grafana.token === undefined ? {} : { token: grafana.token }) }, artifacts) }]),
  ];
}

/**
 * Generates rules and dashboards from the SLOs and brings every configured target in line: each target is compared
 * with what it holds and only changes are pushed (nothing when nothing changed). Targets are independent: one
 * failing does not stop the others, and each report says what was applied before a failure.
 */
export async function provision(slos: readonly Slo[], options: ProvisionerOptions, run: { readonly dryRun: boolean }): Promise<ProvisionReport> {
  const artifacts = generateArtifacts(slos, options.rules ?? {});
  if (artifacts.problems.length > 0) return { targets: [], problems: artifacts.problems, ok: false };
  const targets: TargetReport[] = [];
  for (const { target, plan } of planners(options)) {
    const applied: PlannedChange[] = [];
    let planned: readonly PlannedChange[] = [];
    try {
      const targetPlan = await plan(artifacts);
      planned = targetPlan.changes;
      if (!run.dryRun && planned.length > 0) await targetPlan.apply((change) => applied.push(change));
      targets.push({ target, planned, applied });
      if (!run.dryRun && planned.length > 0) options.logger?.info({ target, changes: applied.length }, 'provisioned');
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      targets.push({ target, planned, applied, error: message });
      options.logger?.error({ target, err: error, applied: applied.length, planned: planned.length }, 'provisioning failed');
    }
  }
  return { targets, problems: [], ok: targets.every((target) => target.error === undefined) };
}

/** The daemon's provisioner: `update` after every (re)load of the specs; runs never overlap. */
export interface Provisioner {
  start(): Promise<void>;
  /** Provisions these SLOs once the run before (if any) has finished. */
  update(slos: readonly Slo[]): Promise<ProvisionReport>;
  /** Waits for the run in progress and refuses further updates. */
  shutdown(): Promise<void>;
}

export function createProvisioner(options: ProvisionerOptions): Provisioner {
  let queue: Promise<unknown> = Promise.resolve();
  let stopped = false;
  return {
    start: () => Promise.resolve(),
    update: (slos) => {
      if (stopped) return Promise.resolve({ targets: [], problems: [], ok: false });
      const run = queue.then(() => provision(slos, options, { dryRun: false }));
      queue = run.catch(() => undefined);
      return run;
    },
    shutdown: async () => {
      stopped = true;
      await queue;
    },
  };
}
