import { isMap, isScalar, type Node } from 'yaml';
import type { AlertTier, Window } from '../core/index.js';
import { MINUTE, formatDuration, nominalPeriod } from '../core/index.js';
import { burnRateTiers } from './alerting.js';
import { childPath, describe, readMap } from './fields.js';
import type { SpecObject } from './parse.js';

/** The keys of slo-generator's shared configuration (`config.yaml`); only the policies are sloe's business. */
const SHARED_CONFIG_KEYS = ['default_exporters', 'backends', 'exporters', 'error_budget_policies'];
const STEP_KEYS = ['name', 'burn_rate_threshold', 'alert', 'message_alert', 'message_ok', 'window'];

/** One step of an error budget policy, checked on its own; whether it fits an SLO's period is checked per SLO. */
interface PolicyStep {
  readonly name: string;
  /** The tier name: the step's name as a rule-safe slug (`12 hours` → `12-hours`). */
  readonly tierName: string;
  readonly burnRateThreshold: number;
  readonly windowMs: number;
  readonly alert: boolean;
  readonly messageAlert?: string;
  readonly messageOk?: string;
  readonly windowNode: Node;
  readonly object: SpecObject;
}

/**
 * slo-generator's error budget policies, read from its shared configuration (the document with
 * `error_budget_policies`, which has no apiVersion) and mapped to alert tiers for the SLOs that name them.
 *
 * Each step (a burn-rate threshold over one window) becomes one tier: `alert: true` a page, `alert: false` a ticket
 * tier that is disabled (slo-generator reports such steps but does not alert on them; the burn rate over the window is
 * still computed and shown). slo-generator evaluates one window per step; sloe adds a short window of a twelfth, as for
 * OpenSLO burn-rate conditions, so an alert resolves soon after the burn stops. `message_alert` and `message_ok` are
 * kept as the tier's annotations.
 */
export class ErrorBudgetPolicies {
  private readonly policies = new Map<string, PolicyStep[]>();

  /** Reads one shared-configuration document; problems go to its file. */
  define(object: SpecObject): void {
    const { ctx } = object;
    const root = readMap(ctx, object.node, object.path, SHARED_CONFIG_KEYS);
    if (root === undefined) return;
    // Backends and exporters configure slo-generator's own runs; sloe queries its configured `sources` instead.
    for (const key of ['backends', 'exporters']) {
      const node = root.value(key);
      if (node !== undefined && !isMap(node)) ctx.report(node, `'${root.fieldPath(key)}' must be a mapping, got ${describe(node)}`);
    }
    root.strings('default_exporters');
    const policies = root.value('error_budget_policies');
    if (policies === undefined) return;
    if (!isMap(policies)) {
      ctx.report(policies, `'${root.fieldPath('error_budget_policies')}' must be a mapping of policy names to policies, got ${describe(policies)}`);
      return;
    }
    for (const pair of policies.items) {
      const key = ctx.resolve(pair.key);
      const value = ctx.resolve(pair.value);
      if (!isScalar(key) || typeof key.value !== 'string' || value === undefined) {
        ctx.report(key ?? policies, `'error_budget_policies' must be keyed by policy name, got ${describe(key)}`);
        continue;
      }
      if (this.policies.has(key.value)) {
        ctx.report(key, `error budget policy '${key.value}' is defined twice; each name may be defined once across the loaded files`);
        continue;
      }
      const steps = this.readSteps(object, value, childPath('error_budget_policies', key.value));
      if (steps !== undefined) this.policies.set(key.value, steps);
    }
  }

  names(): string[] {
    return [...this.policies.keys()];
  }

  /**
   * The tiers of policy `name` for an SLO with this window, or undefined when no such policy is loaded. A step that
   * cannot be a tier of this SLO (a window longer than its period) is reported at the step.
   */
  tiers(name: string, window: Window): AlertTier[] | undefined {
    const steps = this.policies.get(name);
    if (steps === undefined) return undefined;
    const period = nominalPeriod(window);
    const fitting = steps.filter((step) => {
      if (step.windowMs <= period) return true;
      step.object.ctx.report(step.windowNode, `error budget policy step '${step.name}': its window (${formatDuration(step.windowMs)}) is longer than the SLO period (${formatDuration(period)}); a burn rate over it has no budget to measure against (set the period with --default-slo-period)`);
      return false;
    });
    return burnRateTiers(
      fitting.map((step) => ({
        name: step.tierName,
        severity: step.alert ? 'page' : 'ticket',
        threshold: step.burnRateThreshold,
        window: step.windowMs,
        for: 0,
        disabled: !step.alert,
        annotations: { ...(step.messageAlert === undefined ? {} : { message_alert: step.messageAlert }), ...(step.messageOk === undefined ? {} : { message_ok: step.messageOk }) },
      })),
      window,
    );
  }

  private readSteps(object: SpecObject, node: Node, path: string): PolicyStep[] | undefined {
    const policy = readMap(object.ctx, node, path, ['steps']);
    if (policy === undefined) return undefined;
    const steps: PolicyStep[] = [];
    const tierNames = new Set<string>();
    policy.list('steps', true).forEach((item, index) => {
      const step = readMap(object.ctx, item, childPath(policy.fieldPath('steps'), index), STEP_KEYS);
      if (step === undefined) return;
      const name = step.string('name', true);
      const threshold = step.number('burn_rate_threshold', true);
      const windowSeconds = step.number('window', true);
      const alert = step.boolean('alert') ?? false;
      const messageAlert = step.string('message_alert');
      const messageOk = step.string('message_ok');
      if (threshold !== undefined && !(threshold > 0)) step.ctx.report(step.at('burn_rate_threshold'), `'${step.fieldPath('burn_rate_threshold')}' must be a positive burn rate, got ${threshold}`);
      // sloe counts events per minute: a window in seconds maps only when it is whole minutes.
      const windowOk = windowSeconds !== undefined && Number.isInteger(windowSeconds) && windowSeconds > 0 && (windowSeconds * 1000) % MINUTE === 0;
      if (windowSeconds !== undefined && !windowOk) step.ctx.report(step.at('window'), `'${step.fieldPath('window')}' must be a whole number of minutes in seconds (60, 3600, ...), as sloe counts events per minute; got ${windowSeconds}`);
      if (name === undefined) return;
      const tierName = name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || `step-${index + 1}`;
      if (tierNames.has(tierName)) {
        step.ctx.report(step.at('name'), `'${step.fieldPath('name')}': step name '${name}' names the same alert tier (${tierName}) as an earlier step; step names must differ in more than case and punctuation`);
        return;
      }
      tierNames.add(tierName);
      if (threshold === undefined || !(threshold > 0) || !windowOk) return;
      steps.push({ name, tierName, burnRateThreshold: threshold, windowMs: windowSeconds * 1000, alert, ...(messageAlert === undefined ? {} : { messageAlert }), ...(messageOk === undefined ? {} : { messageOk }), windowNode: step.at('window'), object });
    });
    return steps;
  }
}
