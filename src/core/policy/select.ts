import type { BudgetPolicy } from '../model.js';
import type { SloStatus } from '../status.js';
import { DEFAULT_POLICY } from './default-policy.js';

/**
 * How closely a policy selects an SLO: by the SLO's own name beats by its service, which beats by its labels, which
 * beats a policy with an empty selector (one that covers everything). 0 means it does not select the SLO.
 */
export function selectorSpecificity(policy: BudgetPolicy, status: Pick<SloStatus, 'name' | 'slo' | 'service' | 'labels'>): number {
  const { services, slos, labels } = policy.selector;
  if (slos.includes(status.name) || slos.includes(status.slo)) return 4;
  if (services.includes(status.service)) return 3;
  const labelKeys = Object.keys(labels);
  if (labelKeys.length > 0) {
    return labelKeys.every((key) => status.labels[key] === labels[key]) ? 2 : 0;
  }
  return services.length === 0 && slos.length === 0 ? 1 : 0;
}

/** The policy that governs one SLO: the most specific selector wins, the first loaded on a tie; else the default. */
export function policyForSlo(policies: readonly BudgetPolicy[], status: Pick<SloStatus, 'name' | 'slo' | 'service' | 'labels'>): BudgetPolicy {
  let best: BudgetPolicy | undefined;
  let bestScore = 0;
  for (const policy of policies) {
    const score = selectorSpecificity(policy, status);
    if (score > bestScore) {
      best = policy;
      bestScore = score;
    }
  }
  return best ?? DEFAULT_POLICY;
}

/**
 * The policy that speaks for a service as a whole (its no-data answer when it has no SLOs, and the environments its
 * freezes are tracked in): one naming the service, else a catch-all, else the default.
 */
export function policyForService(policies: readonly BudgetPolicy[], service: string): BudgetPolicy {
  return (
    policies.find((policy) => policy.selector.services.includes(service)) ??
    policies.find((policy) => policy.selector.services.length === 0 && policy.selector.slos.length === 0 && Object.keys(policy.selector.labels).length === 0) ??
    DEFAULT_POLICY
  );
}

/** Every environment some rule of these policies names, sorted; a gate's freezes are tracked per environment. */
export function namedEnvironments(policies: readonly BudgetPolicy[]): string[] {
  const names = new Set<string>();
  for (const policy of policies) for (const rule of policy.rules) for (const environment of rule.environments) names.add(environment);
  return [...names].sort();
}
