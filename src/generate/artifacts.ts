import type { Problem, Slo } from '../core/index.js';
import { generateDashboards, renderDashboard } from './dashboards/index.js';
import type { DashboardFile } from './dashboards/index.js';
import { generateRules, renderRuleFile } from './rules/index.js';
import type { RuleFile, RuleOptions } from './rules/index.js';

/** A file `sloe generate` writes, with its text. */
export interface RenderedFile {
  readonly fileName: string;
  readonly content: string;
}

export interface Artifacts {
  readonly rules: readonly (RenderedFile & { readonly file: RuleFile })[];
  readonly dashboards: readonly (RenderedFile & { readonly file: DashboardFile })[];
  /** SLOs the rules cannot express; those SLOs got no rules. */
  readonly problems: readonly Problem[];
}

/** Everything generated from one set of SLOs: rule files and dashboards, with the text each is written as. */
export function generateArtifacts(slos: readonly Slo[], options: Partial<RuleOptions> = {}): Artifacts {
  const rules = generateRules(slos, options);
  const dashboards = generateDashboards(slos, { labelProfile: options.labelProfile ?? 'default' });
  return {
    rules: rules.files.map((file) => ({ fileName: file.fileName, content: renderRuleFile(file), file })),
    dashboards: dashboards.map((file) => ({ fileName: file.fileName, content: renderDashboard(file), file })),
    problems: rules.problems,
  };
}
