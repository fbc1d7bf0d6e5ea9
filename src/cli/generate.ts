import type { Command } from 'commander';
import { formatProblem, parseDuration } from '../core/index.js';
import type { Slo } from '../core/index.js';
import { readSpecFiles } from '../app/index.js';
import { generateArtifacts } from '../generate/index.js';
import type { Artifacts, RuleOptions } from '../generate/index.js';
import { applyFolder, isGeneratedDashboard, isGeneratedRuleFile, planFolder } from '../provision/index.js';
import type { FileChange } from '../provision/index.js';
import { loadSpecs } from '../spec/index.js';
import type { CommandContext } from './context.js';
import { SLO_PERIOD_HELP, sloPeriodArgument, sloPeriodOption } from './slo-period.js';

export interface GenerateFlags {
  slos: string[];
  rulesOut: string;
  dashboardsOut: string;
  labelProfile: string;
  split?: boolean;
  interval: string;
  longInterval: string;
  check?: boolean;
  source?: string[];
  defaultSloPeriod?: string;
}

function describe(dir: string, changes: readonly FileChange[]): string[] {
  return changes.map((change) => `${change.kind === 'add' ? 'created' : change.kind === 'change' ? 'updated' : 'removed'} ${dir}/${change.fileName}`);
}

export interface Generated {
  readonly slos: readonly Slo[];
  readonly options: RuleOptions;
  readonly artifacts: Artifacts;
}

/** Loads specs and generates; prints every problem and returns undefined when the specs are invalid. */
export function loadAndGenerate(flags: Pick<GenerateFlags, 'slos' | 'labelProfile' | 'split' | 'interval' | 'longInterval' | 'source' | 'defaultSloPeriod'>, context: CommandContext): Generated | undefined {
  if (flags.labelProfile !== 'default' && flags.labelProfile !== 'sloth') throw new Error(`--label-profile: expected default or sloth, got ${flags.labelProfile}`);
  const interval = parseDuration(flags.interval);
  const longInterval = parseDuration(flags.longInterval);
  if (interval === undefined) throw new Error(`--interval: expected a duration such as 1m, got ${flags.interval}`);
  if (longInterval === undefined) throw new Error(`--long-interval: expected a duration such as 5m, got ${flags.longInterval}`);
  const options: RuleOptions = { labelProfile: flags.labelProfile, split: flags.split === true, interval, longInterval };
  const files = readSpecFiles(flags.slos);
  // Prometheus evaluates the generated rules, so a query outside the embedded engine's subset is no problem here.
  const loaded = loadSpecs(files.inputs, { remoteSources: flags.source ?? [], embeddedSubset: 'ignore', ...sloPeriodOption(flags.defaultSloPeriod) });
  const problems = [...files.problems, ...loaded.problems];
  const artifacts = problems.length > 0 ? undefined : generateArtifacts(loaded.specs.slos, options);
  problems.push(...(artifacts?.problems ?? []));
  if (problems.length > 0 || artifacts === undefined) {
    for (const problem of problems) context.stdout(`${formatProblem(problem)}\n`);
    context.stderr(`${problems.length} problem${problems.length === 1 ? '' : 's'}: nothing generated\n`);
    context.exitCode = 1;
    return undefined;
  }
  return { slos: loaded.specs.slos, options, artifacts };
}

export function registerGenerate(program: Command, context: CommandContext): void {
  program
    .command('generate')
    .description('Write Prometheus rule files (one per service) and Grafana dashboards (an overview and one per service) from SLO specs.')
    .option('--slos <path...>', 'spec files or folders', ['slo-definitions'])
    .option('--rules-out <dir>', 'folder for the rule files', 'alerts')
    .option('--dashboards-out <dir>', 'folder for the dashboard JSON files', 'dashboards')
    .option('--label-profile <profile>', 'label keys: default (slo_*) or sloth (sloth_*, as Sloth writes them)', 'default')
    .option('--split', 'put long-window rules (1d and more, and the period) in their own group with --long-interval (Thanos Ruler, Mimir)')
    .option('--interval <duration>', 'evaluation interval of the rule groups', '1m')
    .option('--long-interval <duration>', 'evaluation interval of the long-window group with --split', '5m')
    .option('--check', 'write nothing; exit 1 when the files on disk differ from what would be generated')
    .option('--source <name...>', 'names of remote query sources to assume configured')
    .option('--default-slo-period <duration>', SLO_PERIOD_HELP, sloPeriodArgument, '30d')
    .action((flags: GenerateFlags) => {
      const generated = loadAndGenerate(flags, context);
      if (generated === undefined) return;
      const { artifacts } = generated;
      const ruleChanges = planFolder(flags.rulesOut, artifacts.rules, isGeneratedRuleFile);
      const dashboardChanges = planFolder(flags.dashboardsOut, artifacts.dashboards, isGeneratedDashboard);
      const lines = [...describe(flags.rulesOut, ruleChanges), ...describe(flags.dashboardsOut, dashboardChanges)];
      if (flags.check === true) {
        for (const line of lines) context.stdout(`stale: ${line.replace(/^(created|updated|removed) /, (verb) => `would be ${verb}`)}\n`);
        if (lines.length > 0) context.exitCode = 1;
        context.stderr(lines.length > 0 ? `${lines.length} generated file${lines.length === 1 ? ' is' : 's are'} out of date: run sloe generate\n` : 'generated files are up to date\n');
        return;
      }
      applyFolder(flags.rulesOut, ruleChanges);
      applyFolder(flags.dashboardsOut, dashboardChanges);
      for (const line of lines) context.stdout(`${line}\n`);
      context.stderr(`${artifacts.rules.length} rule file${artifacts.rules.length === 1 ? '' : 's'} in ${flags.rulesOut}, ${artifacts.dashboards.length} dashboards in ${flags.dashboardsOut}; ${lines.length} changed\n`);
    });
}
