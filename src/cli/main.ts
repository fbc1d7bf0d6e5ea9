import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import type { CommandContext } from './context.js';

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

type Register = (program: Command, context: CommandContext) => void;

/**
 * Each command's module, imported only when it is needed: `sloe gate` in a release pipeline, or `sloe status`, should
 * not load the spec parsers, the configuration schema, the generators and the daemon the other commands use (0.7 s of
 * start-up against 0.1 s for the gate's own module). In the order help lists them.
 */
const COMMANDS: ReadonlyMap<string, () => Promise<Register>> = new Map<string, () => Promise<Register>>([
  ['serve', async () => (await import('./serve.js')).registerServe],
  ['validate', async () => (await import('./validate.js')).registerValidate],
  ['generate', async () => (await import('./generate.js')).registerGenerate],
  ['convert', async () => (await import('./convert.js')).registerConvert],
  ['provision', async () => (await import('./provision.js')).registerProvision],
  ['gate', async () => (await import('./gate.js')).registerGate],
  ['status', async () => (await import('./status.js')).registerStatus],
  ['report', async () => (await import('./report.js')).registerReport],
  ['doctor', async () => (await import('./doctor.js')).registerDoctor],
  ['backfill', async () => (await import('./backfill.js')).registerBackfill],
  ['replay', async () => (await import('./replay.js')).registerReplay],
]);

/**
 * Builds the `sloe` program. With `command` naming one, only that command is loaded and registered (it is the one
 * that will run); otherwise all of them, for help and usage errors. Every command sets `context.exitCode`;
 * commander's own usage errors exit 2.
 */
export async function buildProgram(context: CommandContext, command?: string): Promise<Command> {
  const program = new Command('sloe')
    .description('sloe: an SLO engine. Error budgets, burn-rate alerts, release gates, Prometheus rules and Grafana dashboards from SLO specs in git.')
    .version(version(), '-V, --version')
    .exitOverride()
    .configureOutput({ writeOut: (text) => context.stdout(text), writeErr: (text) => context.stderr(text) })
    .showHelpAfterError();
  const names = command !== undefined && COMMANDS.has(command) ? [command] : [...COMMANDS.keys()];
  const registers = await Promise.all(names.map((name) => COMMANDS.get(name)!()));
  for (const register of registers) register(program, context);
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
  const program = await buildProgram(context, argv[2]);
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
