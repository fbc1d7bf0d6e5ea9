import { CommanderError } from 'commander';
import type { CommandContext } from '../../src/cli/context.js';
import { buildProgram } from '../../src/cli/main.js';

/** What `sloe ...` printed and the status it would exit with. */
export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface CliRunOptions {
  readonly env?: Readonly<Record<string, string>>;
  readonly isTTY?: boolean;
}

/**
 * Runs `sloe ARGS...` through the real program, in this process, and collects its output. A usage error (commander
 * throws it after printing) exits 2, as `bin/sloe` does.
 */
export async function runCli(args: readonly string[], options: CliRunOptions = {}): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const context: CommandContext = {
    exitCode: 0,
    stdout: (text) => (stdout += text),
    stderr: (text) => (stderr += text),
    env: options.env ?? {},
    isTTY: options.isTTY ?? false,
  };
  try {
    await (await buildProgram(context)).parseAsync(['node', 'sloe', ...args]);
  } catch (error) {
    if (!(error instanceof CommanderError)) throw error;
    return { code: 2, stdout, stderr };
  }
  return { code: context.exitCode, stdout, stderr };
}
