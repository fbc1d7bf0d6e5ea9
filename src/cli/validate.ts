import type { Command } from 'commander';
import { formatProblem } from '../core/index.js';
import { SLO_PERIOD_HELP, sloPeriodArgument, sloPeriodOption } from './slo-period.js';
import type { Problem } from '../core/index.js';
import { readSpecFiles } from '../app/index.js';
import { loadConfig } from '../config/index.js';
import { loadSpecs } from '../spec/index.js';
import type { CommandContext } from './context.js';

function byPosition(a: Problem, b: Problem): number {
  if (a.file !== b.file) return a.file < b.file ? -1 : 1;
  return a.line - b.line || a.column - b.column;
}

/** A folder with no spec in it validates nothing, which is never what was meant: a wrong path, or specs not yet written. */
function nothingToRead(path: string, files: ReturnType<typeof readSpecFiles>): Problem[] {
  if (files.inputs.length > 0 || files.problems.length > 0) return [];
  return [{ file: path, line: 1, column: 1, message: 'no spec files here (sloe reads .yaml and .yml files, in folders recursively)' }];
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

/**
 * `sloe validate PATH...`: every problem in every file as FILE:LINE:COLUMN: message on stdout, a summary on stderr.
 * Exit 0 when valid, 1 when any problem is found, 2 for usage errors (commander's, mapped in main).
 */
export function registerValidate(program: Command, context: CommandContext): void {
  program
    .command('validate')
    .description('Validate files or folders of SLO specs and budget policies; prints every problem as FILE:LINE:COLUMN: message.')
    .argument('<path...>', 'spec files or folders (folders are read recursively for .yaml and .yml files)')
    .option('--source <name>', 'a remote query source to assume configured (repeatable); SLIs outside the embedded subset need one', (name: string, names: string[]) => [...names, name], [] as string[])
    .option('--config <file>', 'take the remote query sources (and sloth.defaultSloPeriod) from this configuration file; a query none of them serves is then a problem, as sloe serve refuses it')
    .option('--default-slo-period <duration>', `${SLO_PERIOD_HELP} (default: the configuration's sloth.defaultSloPeriod, else 30d)`, sloPeriodArgument)
    .action((paths: string[], options: { source: string[]; config?: string; defaultSloPeriod?: string }) => {
      const config = options.config === undefined ? undefined : loadConfig({ file: options.config, env: context.env, flags: {} });
      const configured = config?.sources.map((source) => source.name) ?? [];
      const defaultSloPeriod = sloPeriodOption(options.defaultSloPeriod ?? config?.sloth.defaultSloPeriod);
      const perPath = paths.map((path) => ({ path, files: readSpecFiles([path]) }));
      const inputs = perPath.flatMap(({ files }) => files.inputs);
      // Only a configuration (or --source) says which sources exist; without one, a source an SLI names is taken on trust.
      const sourcesKnown = options.config !== undefined || options.source.length > 0;
      // A query no source can serve is a note without a configuration (the specs may only feed sloe generate), and a
      // problem with one: it is what sloe serve --config refuses to start with, so CI checking against it must fail.
      const embeddedSubset = options.config === undefined ? 'note' : 'problem';
      const result = loadSpecs(inputs, { remoteSources: [...options.source, ...configured], onlyConfiguredSources: sourcesKnown, embeddedSubset, ...defaultSloPeriod });
      const problems = [...perPath.flatMap(({ path, files }) => [...files.problems, ...nothingToRead(path, files)]), ...result.problems].sort(byPosition);
      for (const problem of problems) context.stdout(`${formatProblem(problem)}\n`);
      // Notes go to stderr: stdout stays one problem per line for scripts, and a note is not a problem.
      for (const note of result.notes) context.stderr(`${formatProblem(note)}\n`);
      const read = plural(inputs.length, 'file');
      if (problems.length > 0) {
        const inFiles = new Set(problems.map((problem) => problem.file)).size;
        context.stderr(`${plural(problems.length, 'problem')} in ${plural(inFiles, 'file')} (${read} read)\n`);
        context.exitCode = 1;
        return;
      }
      const { slos, services, policies } = result.specs;
      context.stderr(`ok: ${plural(slos.length, 'SLO')}, ${plural(services.length, 'service')}, ${plural(policies.length, 'budget policy').replace('policys', 'policies')} in ${read}\n`);
    });
}
