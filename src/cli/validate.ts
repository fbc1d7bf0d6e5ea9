import type { Command } from 'commander';
import { formatProblem } from '../core/index.js';
import { readSpecFiles } from '../app/index.js';
import { loadSpecs } from '../spec/index.js';
import type { CommandContext } from './context.js';

export function registerValidate(program: Command, context: CommandContext): void {
  program
    .command('validate')
    .description('Validate files or folders of SLO specs and budget policies; prints every problem as FILE:LINE:COLUMN: message.')
    .argument('<path...>', 'spec files or folders')
    .option('--source <name...>', 'names of remote query sources to assume configured')
    .action((paths: string[], options: { source?: string[] }) => {
      const files = readSpecFiles(paths);
      const result = loadSpecs(files.inputs, { remoteSources: options.source ?? [] });
      const problems = [...files.problems, ...result.problems];
      for (const problem of problems) context.stdout(`${formatProblem(problem)}\n`);
      const policies = result.specs.policies.length;
      if (problems.length > 0) {
        context.stderr(`${problems.length} problem${problems.length === 1 ? '' : 's'} in ${files.inputs.length} file${files.inputs.length === 1 ? '' : 's'}\n`);
        context.exitCode = 1;
        return;
      }
      context.stderr(`ok: ${result.specs.slos.length} SLOs, ${result.specs.services.length} services, ${policies} policies in ${files.inputs.length} files\n`);
    });
}
