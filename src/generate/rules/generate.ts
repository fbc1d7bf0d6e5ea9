import { formatDuration } from '../../core/index.js';
import type { Problem, Slo } from '../../core/index.js';
import { alertRules } from './stages/alerts.js';
import { eventRecordings } from './stages/events.js';
import { metadataRecordings } from './stages/metadata.js';
import { sliRecordings } from './stages/sli.js';
import { validateTarget } from './stages/validate.js';
import { targetsOf } from './target.js';
import type { Target } from './target.js';
import { DEFAULT_RULE_OPTIONS } from './types.js';
import type { PlacedRule, Placement, RuleFile, RuleGroup, RuleOptions } from './types.js';

/** The stages after validation, in the order their rules must run within a group (counts before ratios before burn). */
const STAGES: readonly ((target: Target) => PlacedRule[])[] = [eventRecordings, sliRecordings, metadataRecordings, alertRules];

const GROUP_SUFFIX: Record<Placement, string> = { sli: 'sli-recordings', long: 'long-window-recordings', meta: 'meta-recordings', alert: 'alerts' };
const GROUP_ORDER: readonly Placement[] = ['sli', 'long', 'meta', 'alert'];

export interface GeneratedRules {
  /** One file per service, sorted by service. */
  readonly files: readonly RuleFile[];
  /** Problems of SLOs that got no rules; empty when every SLO was generated. */
  readonly problems: readonly Problem[];
}

/** A service name as a file name: anything but letters, digits, `.`, `_` and `-` becomes `_`. */
export function safeFileName(name: string): string {
  const safe = name.replace(/[^a-zA-Z0-9._-]/g, '_').replace(/^\.+/, '_');
  return safe.length > 0 ? safe : '_';
}

function groupsOf(target: Target, rules: readonly PlacedRule[]): RuleGroup[] {
  const prefix = target.options.labelProfile === 'sloth' ? 'sloth-slo' : 'sloe-slo';
  return GROUP_ORDER.flatMap((placement) => {
    const placed = rules.filter((rule) => rule.placement === placement).map((rule) => rule.rule);
    if (placed.length === 0) return [];
    const interval = placement === 'long' ? target.options.longInterval : target.options.interval;
    return [{ name: `${prefix}-${GROUP_SUFFIX[placement]}-${target.id}`, interval: formatDuration(interval), rules: placed }];
  });
}

/**
 * What the validation stage finds in these SLOs, without generating anything: the loaders run it too, so
 * `sloe validate`, `sloe generate` and `sloe serve` refuse the same specs.
 */
export function ruleProblems(slos: readonly Slo[], options: Partial<RuleOptions> = {}): Problem[] {
  const resolved: RuleOptions = { ...DEFAULT_RULE_OPTIONS, ...options };
  return slos.flatMap((slo) => targetsOf(slo, resolved).flatMap(validateTarget));
}

/**
 * The model to rule files: every objective of every SLO through the stages (validate, event counts, SLI ratios,
 * metadata, alerts), grouped per objective and filed per service.
 */
export function generateRules(slos: readonly Slo[], options: Partial<RuleOptions> = {}): GeneratedRules {
  const resolved: RuleOptions = { ...DEFAULT_RULE_OPTIONS, ...options };
  const problems: Problem[] = [];
  const groupsByService = new Map<string, RuleGroup[]>();
  for (const slo of slos) {
    for (const target of targetsOf(slo, resolved)) {
      const found = validateTarget(target);
      if (found.length > 0) {
        problems.push(...found);
        continue;
      }
      const groups = groupsOf(target, STAGES.flatMap((stage) => stage(target)));
      groupsByService.set(slo.service, [...(groupsByService.get(slo.service) ?? []), ...groups]);
    }
  }
  const files = [...groupsByService.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([service, groups]) => ({ service, fileName: `${safeFileName(service)}.rules.yaml`, groups }));
  return { files, problems };
}
