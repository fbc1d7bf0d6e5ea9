import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { registerConvert } from './convert.js';
import { registerDoctor } from './doctor.js';
import { registerBackfill } from './backfill.js';
import { registerGate } from './gate.js';
import { registerGenerate } from './generate.js';
import { registerProvision } from './provision.js';
import { registerReplay } from './replay.js';
import { registerReport } from './report.js';
import { registerServe } from './serve.js';
import { registerStatus } from './status.js';
import { registerValidate } from './validate.js';
import type { CommandContext } from './context.js';

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

/** Builds the `sloe` program. Every command sets `context.exitCode`; commander's own usage errors exit 2. */
export function buildProgram(context: CommandContext): Command {
  const program = new Command('sloe')
    .description('sloe: an SLO engine. Error budgets, burn-rate alerts, release gates, Prometheus rules and Grafana dashboards from SLO specs in git.')
    .version(version(), '-V, --version')
    .exitOverride()
    .configureOutput({ writeOut: (text) => context.stdout(text), writeErr: (text) => context.stderr(text) })
    .showHelpAfterError();
  registerServe(program, context);
  registerValidate(program, context);
  registerGenerate(program, context);
  registerConvert(program, context);
  registerProvision(program, context);
  registerGate(program, context);
  registerStatus(program, context);
  registerReport(program, context);
  registerDoctor(program, context);
  registerBackfill(program, context);
  registerReplay(program, context);
  return program;
}

/** Runs the command line and resolves to the process exit status. */
export async function main(argv: readonly string[]): Promise<number> {
  const context: CommandContext = {
    exitCode: 0,
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    env: process.env,
    isTTY: process.stdout.isTTY === true,
  };
  const program = buildProgram(context);
  if (argv.length <= 2) {
    // `sloe` alone is a usage error: the help on stderr and exit 2, so a script that lost its command fails.
    context.stderr(program.helpInformation());
    return 2;
  }
  try {
    await program.parseAsync([...argv]);
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version are successes; everything else commander rejects is a usage error.
      return error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help' ? 0 : 2;
    }
    context.stderr(`sloe: ${error instanceof Error ? error.message : String(error)}\n`);
    return context.exitCode === 0 ? 1 : context.exitCode;
  }
  return context.exitCode;
}
