import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { renderRuleFile } from '../../src/generate/index.js';
import type { AlertingRule, RuleFile } from '../../src/generate/index.js';
import { requireBinary } from '../helpers/binaries.js';

export interface PromtoolResult {
  readonly status: number | null;
  readonly output: string;
}

/** Runs the real promtool with a bounded time, returning its exit status and combined output. */
export function promtool(args: readonly string[], cwd?: string, timeoutMs = 60_000): PromtoolResult {
  const run = spawnSync(requireBinary('promtool'), [...args], { cwd, encoding: 'utf8', timeout: timeoutMs });
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

/**
 * A counter in promtool's series notation: `perStep` more each step for `steps` steps, each segment continuing from
 * where the previous one ended (`0+5x10 55+10x9` ...).
 */
export function counter(segments: readonly { perStep: number; steps: number }[]): string {
  let value = 0;
  const parts: string[] = [];
  segments.forEach((segment, index) => {
    const first = index === 0 ? value : value + segment.perStep;
    const count = index === 0 ? segment.steps : segment.steps - 1;
    parts.push(`${first}+${segment.perStep}x${count}`);
    value = first + segment.perStep * count;
  });
  return parts.join(' ');
}

export function alertRules(file: RuleFile): AlertingRule[] {
  return file.groups.flatMap((group) => group.rules).filter((rule): rule is AlertingRule => 'alert' in rule);
}

/**
 * What promtool should report for a firing tier: the series' labels plus the rule's labels, and its annotations with
 * `{{ $value | humanizePercentage }}` filled in as promtool renders `value`.
 */
export function expectedAlert(file: RuleFile, tier: string, value: string, seriesLabels: Readonly<Record<string, string>>): Record<string, unknown> {
  const rule = alertRules(file).find((candidate) => candidate.labels.slo_tier === tier);
  if (rule === undefined) throw new Error(`no rule for tier ${tier}`);
  const annotations = Object.fromEntries(Object.entries(rule.annotations).map(([key, text]) => [key, text.replace('{{ $value | humanizePercentage }}', value)]));
  return { exp_labels: { ...seriesLabels, ...rule.labels }, exp_annotations: annotations };
}

/** Writes a rule file and a `promtool test rules` file for it in `dir`; returns the test file's path. */
export function writeRulesTest(dir: string, name: string, file: RuleFile, evaluationInterval: string, tests: unknown[]): string {
  writeFileSync(join(dir, `${name}.rules.yaml`), renderRuleFile(file));
  // promtool evaluates the groups in map order unless told: recordings first, as the alerts read them.
  const path = join(dir, `${name}.test.yaml`);
  writeFileSync(path, stringify({ rule_files: [`${name}.rules.yaml`], evaluation_interval: evaluationInterval, group_eval_order: file.groups.map((group) => group.name), tests }, { lineWidth: 0 }));
  return path;
}
