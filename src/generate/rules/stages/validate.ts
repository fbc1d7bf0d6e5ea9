import { LABELS, SEVERITY_LABEL, SLOTH_SEVERITY_LABEL, TIER_LABEL } from '../../../core/index.js';
import type { Problem, Slo } from '../../../core/index.js';
import type { Target } from '../target.js';

const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const RESERVED_LABELS = new Set<string>([...Object.values(LABELS.default), ...Object.values(LABELS.sloth), SEVERITY_LABEL, TIER_LABEL, SLOTH_SEVERITY_LABEL]);

function problemAt(slo: Slo, message: string): Problem {
  return {
    file: slo.origin?.file ?? `${slo.service}/${slo.name}`,
    line: slo.origin?.line ?? 1,
    column: slo.origin?.column ?? 1,
    message: `slo ${slo.name}: ${message}`,
  };
}

/**
 * The first stage: what the loaders accept but rules cannot express. A target with problems gets no rules, and every
 * problem is reported, so `sloe generate` never writes a file Prometheus would refuse.
 */
export function validateTarget(target: Target): Problem[] {
  const { slo, objective, sli } = target;
  const problems: string[] = [];
  if (!(objective.target > 0 && objective.target < 1)) problems.push(`objective ${objective.key}: target ${objective.target} must be between 0 and 1 (exclusive)`);
  for (const key of Object.keys(slo.labels)) {
    if (!LABEL_NAME.test(key)) problems.push(`labels.${key}: not a Prometheus label name (expected [a-zA-Z_][a-zA-Z0-9_]*)`);
    else if (RESERVED_LABELS.has(key) || key.startsWith('__')) problems.push(`labels.${key}: reserved for the labels sloe generates`);
  }
  for (const key of Object.keys(slo.alerting.labels)) {
    if (!LABEL_NAME.test(key)) problems.push(`alerting.labels.${key}: not a Prometheus label name`);
  }
  for (const tier of slo.alerting.tiers) {
    for (const key of Object.keys(tier.labels ?? {})) {
      if (!LABEL_NAME.test(key)) problems.push(`alerting tier ${tier.name}: label ${key} is not a Prometheus label name`);
    }
  }
  for (const label of target.groupBy) {
    if (!LABEL_NAME.test(label)) problems.push(`groupBy: ${label} is not a Prometheus label name`);
    else if (label === 'le') problems.push('groupBy: le is a histogram\'s bucket bound, not a group');
    else if (RESERVED_LABELS.has(label) || label.startsWith('__')) problems.push(`groupBy: ${label} is reserved for the labels sloe generates`);
    else if (label in slo.labels) problems.push(`groupBy: ${label} is also one of the SLO's own labels, which would overwrite every group's value`);
  }
  if (slo.alerting.name.trim().length === 0) problems.push('alerting.name: an alert name is required');
  switch (sli.kind) {
    case 'ratio':
      if ((sli.good === undefined) === (sli.bad === undefined)) problems.push('sli: a ratio needs exactly one of good and bad beside total');
      break;
    case 'threshold':
      if (objective.op === undefined || objective.value === undefined) problems.push(`objective ${objective.key}: a threshold SLI needs op and value`);
      break;
    case 'latency':
      if (!Number.isFinite(sli.threshold)) problems.push('sli: a latency threshold must be a finite number');
      break;
    case 'rawRatio':
      break;
  }
  return problems.map((message) => problemAt(slo, message));
}
