import type { BudgetPolicy } from '../model.js';

/** Name under which the default policy appears in gate answers and decisions. */
export const DEFAULT_POLICY_NAME = 'sloe-default';

/**
 * The policy for services no `BudgetPolicy` covers, after the SRE Workbook's example error budget policy
 * (chapter "Implementing SLOs", appendix "Example Error Budget Policy"): while the budget over the period is
 * spent, or a page alert says it is burning fast, changes and releases stop, except P0 issues and security fixes.
 * Capacity may still be provisioned (it is how a team gets out of the hole), with a warning.
 * Below a quarter of the budget, or while a ticket alert fires, changes pass with a warning.
 * An SLO without data fails open with a warning: a new service should not be stuck behind a gate it cannot pass;
 * so does a budget deny on too little data (DEFAULT_EVIDENCE). A page alert firing denies at once.
 */
export const DEFAULT_POLICY: BudgetPolicy = {
  name: DEFAULT_POLICY_NAME,
  selector: { services: [], slos: [], labels: {} },
  rules: [
    {
      name: 'budget-exhausted',
      decision: 'deny',
      // `exhausted` is the engine's status for a remaining budget at or below zero (CONTRACT.md).
      when: { status: ['exhausted'] },
      environments: [],
      actions: ['deploy', 'config'],
      reason: '{slo}: error budget spent ({budgetRemaining} remaining of {period}; SLI {sli} against objective {objective}); changes are frozen until it recovers',
    },
    {
      name: 'page-alert-firing',
      decision: 'deny',
      when: { alertFiring: ['page'] },
      environments: [],
      actions: ['deploy', 'config'],
      reason: '{slo}: page alert firing, burn rate {burnRate} over {window}; {budgetRemaining} of the error budget remaining',
    },
    {
      name: 'budget-exhausted-provision',
      decision: 'warn',
      when: { status: ['exhausted', 'critical'] },
      environments: [],
      actions: ['provision'],
      reason: '{slo}: error budget {budgetRemaining} remaining ({status}); provisioning is allowed while changes are frozen',
    },
    {
      name: 'budget-low',
      decision: 'warn',
      when: { budgetRemainingBelow: 0.25 },
      environments: [],
      actions: [],
      reason: '{slo}: only {budgetRemaining} of the error budget remaining (below 25%)',
    },
    {
      name: 'ticket-alert-firing',
      decision: 'warn',
      when: { alertFiring: ['ticket'] },
      environments: [],
      actions: [],
      reason: '{slo}: ticket alert firing, burn rate {burnRate} over {window}; {budgetRemaining} of the error budget remaining',
    },
  ],
  overrides: [
    { label: 'priority', values: ['P0'] },
    { label: 'type', values: ['security', 'security-fix'] },
  ],
  onNoData: 'warn',
  // A budget deny on a handful of events would stop a pipeline the day sloe is installed (see DEFAULT_EVIDENCE).
  onInsufficientData: 'warn',
};
