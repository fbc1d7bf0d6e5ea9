import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import { formatProblem } from '../core/index.js';
import type { SpecOrigin, SpecSet } from '../core/index.js';
import { readSpecFiles } from '../app/index.js';
import { convertSpecs, loadSpecs, TARGET_FORMATS } from '../spec/index.js';
import type { TargetFormat } from '../spec/index.js';
import type { CommandContext } from './context.js';
import { SLO_PERIOD_HELP, sloPeriodArgument, sloPeriodOption } from './slo-period.js';

function targetArgument(text: string): TargetFormat {
  const found = TARGET_FORMATS.find((format) => format === text);
  if (found === undefined) throw new InvalidArgumentError(`expected one of ${TARGET_FORMATS.join(', ')}, got ${text}`);
  return found;
}

/** Where a spec was read, as FILE:LINE:COLUMN (its name when it has no origin). */
function where(name: string, origin: SpecOrigin | undefined): string {
  return origin === undefined ? name : `${origin.file}:${origin.line}:${origin.column}`;
}

/**
 * What a conversion does not write, each named where it was read: composite SLOs (no format but sloe/v1 has them, and
 * the writers take SLOs with an SLI) and budget policies (sloe's own). Without this, converting a folder dropped them
 * silently and exited 0.
 */
function notConverted(specs: SpecSet): string[] {
  return [
    ...(specs.composites ?? []).map((composite) => `${where(composite.name, composite.origin)}: composite SLO '${composite.name}' is not converted: sloe convert writes SLOs with an SLI; keep its sloe/v1 document as it is`),
    ...specs.policies.map((policy) => `${where(policy.name, policy.origin)}: budget policy '${policy.name}' is not converted: sloe convert writes SLOs only; keep its sloe/v1 document as it is`),
  ];
}

/**
 * `sloe convert --to FORMAT PATH...`: specs of any format written in another, to stdout or `--out DIR`. Exit 1 when
 * an SLO cannot be expressed in the target or a composite or budget policy is left out (each named), or the specs are invalid; what is only approximated is
 * written with a comment naming it.
 */
export function registerConvert(program: Command, context: CommandContext): void {
  program
    .command('convert')
    .description('Write SLO specs in another format (openslo, sloth, pyrra, sloe); approximations are named in comments.')
    .requiredOption('--to <format>', `target format: ${TARGET_FORMATS.join(', ')}`, targetArgument)
    .option('--out <dir>', 'write one file per SLO (per service for Sloth) into this folder instead of stdout')
    .option('--default-slo-period <duration>', SLO_PERIOD_HELP, sloPeriodArgument)
    .argument('<path...>', 'spec files or folders')
    .action((paths: string[], options: { to: TargetFormat; out?: string; defaultSloPeriod?: string }) => {
      const files = readSpecFiles(paths);
      // Rules and conversions do not need the embedded engine: a query only Prometheus evaluates converts as well.
      const loaded = loadSpecs(files.inputs, { embeddedSubset: 'ignore', ...sloPeriodOption(options.defaultSloPeriod) });
      const problems = [...files.problems, ...loaded.problems];
      if (problems.length > 0) {
        for (const problem of problems) context.stdout(`${formatProblem(problem)}\n`);
        context.stderr(`${problems.length} problem${problems.length === 1 ? '' : 's'}: nothing converted\n`);
        context.exitCode = 1;
        return;
      }
      const { files: converted, inexpressible } = convertSpecs(loaded.specs.slos, options.to);
      for (const { slo, message } of inexpressible) context.stderr(`${where(slo.name, slo.origin)}: SLO '${slo.name}' cannot be written as ${options.to}: ${message}\n`);
      const leftOut = notConverted(loaded.specs);
      for (const line of leftOut) context.stderr(`${line}\n`);
      if (inexpressible.length > 0 || leftOut.length > 0) context.exitCode = 1;
      if (options.out === undefined) {
        context.stdout(converted.map((file) => file.content).join('---\n'));
        return;
      }
      mkdirSync(options.out, { recursive: true });
      for (const file of converted) writeFileSync(join(options.out, file.fileName), file.content);
      context.stderr(`${converted.length} file${converted.length === 1 ? '' : 's'} written to ${options.out}\n`);
    });
}
