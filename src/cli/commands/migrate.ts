/**
 * `glimpse migrate --from library.db --to postgres://...` (or back): move a library between databases without
 * describing anything again.
 */
import type { Command } from 'commander';
import { GlimpseError } from '../../errors.js';
import { printJson } from '../context.js';

export function register(program: Command): void {
  program
    .command('migrate')
    .description('copy a library to another database (SQLite file ⇄ PostgreSQL) without describing anything again')
    .requiredOption('--from <db>', 'the library to copy: a SQLite file or a postgres:// URL (left unchanged)')
    .requiredOption('--to <db>', 'an empty database to copy it into: a new SQLite file or a postgres:// URL')
    .option('--json', 'print the counts as JSON')
    .action(async (options: { from: string; to: string; json?: boolean }) => {
      const { migrateLibrary } = await import('../../methods/migrate.js');
      if (!options.from || !options.to) throw new GlimpseError('USAGE', 'migrate needs --from and --to');
      const report = await migrateLibrary(options.from, options.to, (table, copied) => {
        if (!options.json && process.stderr.isTTY) process.stderr.write(`\r${table}: ${copied}   `);
      });
      if (options.json) {
        printJson(report);
        return;
      }
      if (process.stderr.isTTY) process.stderr.write('\n');
      const lines = [
        `copied ${report.images} images, ${report.descriptions} descriptions, ${report.userEdits} edits, ${report.thumbnails} thumbnails, ${report.failures} failures, ${report.runs} runs, ${report.searchRows} search rows and ${report.vectors} vectors in ${(report.ms / 1000).toFixed(1)} s`,
        `from ${report.from} to ${report.to}`,
      ];
      if (report.vectorsLeft > 0)
        lines.push(
          `${report.vectorsLeft} vectors were not copied: the target has no pgvector. Search there uses full text only.`,
        );
      process.stdout.write(`${lines.join('\n')}\n`);
    });
}
