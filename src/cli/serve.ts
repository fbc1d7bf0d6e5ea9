import type { Command } from 'commander';
import { CONFIG_TABLE, configHelp, flagHelp, loadConfig, unknownVariables } from '../config/index.js';
import { startDaemon } from '../app/index.js';
import type { Daemon } from '../app/index.js';
import { corruptStore, isCorruption } from '../store/index.js';
import type { CommandContext } from './context.js';
import { databasePath } from './doctor.js';
import { steadyHeapGrowth } from './heap-growth.js';

export function registerServe(program: Command, context: CommandContext): void {
  const command = program
    .command('serve')
    .description('Run the daemon: ingest, evaluation, alerts, gates, API and web UI.')
    .option('--config <file>', 'YAML configuration file')
    .addHelpText('after', configHelp());
  for (const entry of CONFIG_TABLE) {
    if (entry.flag !== undefined) command.option(entry.flag, flagHelp(entry));
  }
  command.action(async (flags: Record<string, unknown> & { config?: string }) => {
    steadyHeapGrowth();
    const config = loadConfig({ ...(flags.config === undefined ? {} : { file: flags.config }), env: context.env, flags });
    let daemon: Daemon;
    try {
      daemon = await startDaemon(config);
    } catch (error) {
      // Corruption can surface in any first read of the store (restore, not only open): name the file and the remedy.
      if (isCorruption(error)) throw corruptStore(databasePath(config.dataDir), (error as Error).message, error);
      throw error;
    }
    // From here on everything goes through the logger (the daemon logs where it listens), so the output is one
    // stream in one format: JSON lines a collector can parse, or pretty lines on a terminal.
    for (const { name, suggestion } of unknownVariables(context.env)) {
      daemon.logger.warn({ variable: name, ...(suggestion ? { suggestion } : {}) }, `${name} is not a configuration variable; it is ignored`);
    }
    await untilStopped(daemon, config.shutdownTimeoutMs, context);
  });
}

/** Slack beyond the shutdown grace period for flushing and closing the store before the process is made to exit. */
const EXIT_SLACK_MS = 5_000;

/**
 * SIGHUP reloads the specs. SIGTERM or SIGINT stops the daemon gracefully and resolves; a second signal, or a stop
 * that outlasts the grace period and slack, exits at once with status 1 so an orchestrator is never left waiting.
 */
function untilStopped(daemon: Daemon, graceMs: number, context: CommandContext): Promise<void> {
  return new Promise<void>((resolve) => {
    // The reloader logs the outcome: what changed, or every problem and that the running specs stay in force.
    const onHup = (): void => {
      daemon.reload('SIGHUP').catch((error: unknown) => daemon.logger.error({ err: error }, 'reload failed'));
    };
    const onStop = (signal: string): void => {
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
      process.off('SIGHUP', onHup);
      process.once('SIGINT', () => process.exit(1));
      process.once('SIGTERM', () => process.exit(1));
      daemon.logger.info({ signal, graceMs }, 'shutting down');
      const deadline = setTimeout(() => {
        daemon.logger.error({ graceMs }, 'shutdown did not finish in time; exiting');
        process.exit(1);
      }, graceMs + EXIT_SLACK_MS);
      deadline.unref();
      daemon.stop().then(
        () => {
          clearTimeout(deadline);
          // Everything is flushed and closed; a stray handle (a client's keep-alive timer) must not hold the exit.
          setTimeout(() => process.exit(context.exitCode), 1_000).unref();
          resolve();
        },
        (error: unknown) => {
          daemon.logger.error({ err: error }, 'shutdown failed');
          context.exitCode = 1;
          resolve();
        },
      );
    };
    daemon.whenFailed(() => {
      context.exitCode = 1;
      onStop('failure');
    });
    const onInt = (): void => onStop('SIGINT');
    const onTerm = (): void => onStop('SIGTERM');
    process.on('SIGINT', onInt);
    process.on('SIGTERM', onTerm);
    process.on('SIGHUP', onHup);
  });
}
