import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { loadConfig } from '../config/index.js';
import { checkIntegrity, openDatabase, moveAside } from '../store/index.js';
import type { CommandContext } from './context.js';

/** The database file under a data folder, as the daemon names it. */
export function databasePath(dataDir: string): string {
  return join(dataDir, 'sloe.db');
}

/**
 * `sloe doctor [--data DIR] [--repair]`: SQLite's full integrity check of the daemon's database. Exit 0 when it is
 * sound (or was repaired), 1 when it is damaged and not repaired. `--repair` never deletes: it moves the damaged file
 * (and its WAL) aside under a timestamped name and creates an empty database in its place, saying so loudly, since
 * what the daemon had stored is then gone from it. Run it with the daemon stopped.
 */
export function registerDoctor(program: Command, context: CommandContext): void {
  program
    .command('doctor')
    .description("Check the daemon's SQLite database (PRAGMA integrity_check); --repair moves a damaged one aside and starts a fresh one.")
    .option('--config <file>', 'take dataDir from this configuration file')
    .option('--data <dir>', 'data folder holding sloe.db (default: the configuration\'s dataDir)')
    .option('--repair', 'move a damaged database aside (kept, timestamped) and create an empty one; run with the daemon stopped')
    .action((options: { config?: string; data?: string; repair?: boolean }) => {
      const config = loadConfig({ ...(options.config === undefined ? {} : { file: options.config }), env: context.env, flags: options.data === undefined ? {} : { data: options.data } });
      const path = databasePath(config.dataDir);
      if (!existsSync(path)) {
        context.stdout(`${path}: no database yet; sloe serve creates one\n`);
        return;
      }
      const report = checkIntegrity(path);
      if (report.ok) {
        context.stdout(`${path}: ok (integrity_check)\n`);
        return;
      }
      for (const problem of report.problems) context.stdout(`${path}: ${problem}\n`);
      if (options.repair !== true) {
        context.stderr(`${path} is damaged. \`sloe doctor --data ${config.dataDir} --repair\` moves it aside and starts a fresh database.\n`);
        context.exitCode = 1;
        return;
      }
      const moved = moveAside(path, new Date());
      openDatabase(path).close();
      context.stderr(
        [
          '!!! sloe doctor --repair: the database was damaged and has been replaced by an empty one.',
          `!!! The damaged files were moved aside, not deleted: ${moved.join(', ')}`,
          '!!! Stored event history, alert state, notifications and gate decisions start from empty; budgets refill from ingest',
          '!!! (and remote sources backfill). Salvage with `sqlite3 <moved file> .recover` if you need the old records.',
          '',
        ].join('\n'),
      );
    });
}
