/**
 * `migrate`: move a library from one database to another — a SQLite file to PostgreSQL or back — without describing
 * anything again. The source is opened read-only and left as it was; the target must be empty (it is created and
 * migrated to the current schema first). See storage/copy-library.ts for what is copied.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { GlimpseError } from '../errors.js';
import { type CopyReport, copyLibrary } from '../storage/copy-library.js';
import { isPostgresUrl, redactUrl } from '../storage/location.js';
import { openStore } from '../storage/open-store.js';

export type MigrateReport = CopyReport & { from: string; to: string; ms: number };

export async function migrateLibrary(
  from: string,
  to: string,
  onProgress?: (table: string, copied: number) => void,
): Promise<MigrateReport> {
  const source = isPostgresUrl(from) ? from : resolve(from);
  const target = isPostgresUrl(to) ? to : resolve(to);
  if (source === target) throw new GlimpseError('USAGE', '--from and --to are the same database');
  if (!isPostgresUrl(source) && !existsSync(source))
    throw new GlimpseError('USAGE', `No library at ${source}`, {
      hint: 'Check --from: a SQLite file or a postgres:// URL.',
    });
  const started = performance.now();
  const reading = await openStore(source, { readonly: true });
  try {
    const writing = await openStore(target);
    try {
      const report = copyLibrary(reading, writing, onProgress);
      return { ...report, from: redactUrl(source), to: redactUrl(target), ms: Math.round(performance.now() - started) };
    } finally {
      writing.close();
    }
  } finally {
    reading.close();
  }
}
