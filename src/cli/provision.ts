import type { Command } from 'commander';
import { loadConfig } from '../config/index.js';
import { configuredTargets, provision } from '../provision/index.js';
import type { ProvisionReport } from '../provision/index.js';
import { loadAndGenerate } from './generate.js';
import type { CommandContext } from './context.js';

interface ProvisionFlags {
  config?: string;
  slos?: string[];
  dryRun?: boolean;
  labelProfile: string;
  split?: boolean;
  interval: string;
  longInterval: string;
}

function printReport(report: ProvisionReport, dryRun: boolean, context: CommandContext): void {
  for (const target of report.targets) {
    if (target.planned.length === 0 && target.error === undefined) {
      context.stdout(`${target.target}: up to date\n`);
      continue;
    }
    for (const change of dryRun ? target.planned : target.applied) {
      context.stdout(`${target.target}: ${dryRun ? 'would ' : ''}${change.action} ${change.item}\n`);
      if (dryRun && change.diff !== '') context.stdout(change.diff);
    }
    if (target.error !== undefined) {
      const notApplied = target.planned.length - target.applied.length;
      context.stderr(`${target.target}: FAILED: ${target.error}${notApplied > 0 ? ` (${target.applied.length} of ${target.planned.length} changes applied)` : ''}\n`);
    }
  }
}

export function registerProvision(program: Command, context: CommandContext): void {
  program
    .command('provision')
    .description('Push the generated rules and dashboards to the configured Prometheus rules folder (and reload), Mimir/Cortex ruler and Grafana; only what changed.')
    .option('--config <file>', 'YAML configuration file (its provisioning section names the targets)')
    .option('--slos <path...>', 'spec files or folders (default: the configuration\'s slos)')
    .option('--dry-run', 'change nothing; print what would change, with a diff')
    .option('--label-profile <profile>', 'label keys: default (slo_*) or sloth (sloth_*)', 'default')
    .option('--split', 'put long-window rules in their own group with --long-interval')
    .option('--interval <duration>', 'evaluation interval of the rule groups', '1m')
    .option('--long-interval <duration>', 'evaluation interval of the long-window group with --split', '5m')
    .action(async (flags: ProvisionFlags) => {
      const config = loadConfig({ ...(flags.config === undefined ? {} : { file: flags.config }), env: context.env, flags: flags.slos === undefined ? {} : { slos: flags.slos } });
      if (configuredTargets(config.provisioning).length === 0) {
        context.stderr('nothing to provision: configure provisioning.prometheus, provisioning.mimir or provisioning.grafana (see docs/generate.md)\n');
        context.exitCode = 2;
        return;
      }
      const generated = loadAndGenerate({ ...flags, slos: config.slos, source: config.sources.map((source) => source.name) }, context);
      if (generated === undefined) return;
      const { slos, options } = generated;
      const dryRun = flags.dryRun === true;
      const report = await provision(slos, { config: config.provisioning, rules: options, message: `sloe provision: ${slos.length} SLOs` }, { dryRun });
      printReport(report, dryRun, context);
      if (!report.ok) context.exitCode = 1;
    });
}
