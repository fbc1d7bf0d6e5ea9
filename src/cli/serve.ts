import type { Command } from 'commander';
import { CONFIG_TABLE, configHelp, flagHelp, loadConfig } from '../config/index.js';
import { startDaemon } from '../app/index.js';
import type { CommandContext } from './context.js';

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
    const config = loadConfig({ ...(flags.config === undefined ? {} : { file: flags.config }), env: context.env, flags });
    const daemon = await startDaemon(config);
    context.stderr(`sloe serving on ${daemon.url}\n`);
    await new Promise<void>((resolve) => {
      const stop = (signal: string): void => {
        daemon.logger.info({ signal }, 'shutting down');
        process.off('SIGINT', onInt);
        process.off('SIGTERM', onTerm);
        daemon.stop().then(resolve, (error: unknown) => {
          daemon.logger.error({ err: error }, 'shutdown failed');
          context.exitCode = 1;
          resolve();
        });
      };
      const onInt = (): void => stop('SIGINT');
      const onTerm = (): void => stop('SIGTERM');
      process.on('SIGINT', onInt);
      process.on('SIGTERM', onTerm);
    });
  });
}
