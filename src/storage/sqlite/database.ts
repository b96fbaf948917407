/**
 * Opening the SQLite file: WAL (so each finished image commits at once and a crash loses nothing), sqlite-vec for
 * vectors, and the migrations in order.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import * as sqliteVec from 'sqlite-vec';
import { GlimpseError } from '../../errors.js';
import { MIGRATIONS } from './migrations.js';

export type SqliteDatabase = Database.Database;

export function openDatabase(path: string, options: { readonly?: boolean } = {}): SqliteDatabase {
  let db: SqliteDatabase;
  try {
    if (path !== ':memory:' && !options.readonly) mkdirSync(dirname(path), { recursive: true });
    db = new Database(path, { readonly: options.readonly ?? false, fileMustExist: options.readonly ?? false });
  } catch (error) {
    throw new GlimpseError('DATABASE_ERROR', `${path}: cannot open the database (${(error as Error).message})`, {
      path,
      cause: error,
    });
  }
  try {
    if (!options.readonly) {
      db.pragma('journal_mode = WAL');
      // NORMAL in WAL mode is durable against process crashes (kill -9); only a power cut can lose the last commits.
      db.pragma('synchronous = NORMAL');
    }
    db.pragma('busy_timeout = 5000');
    db.pragma('foreign_keys = ON');
    sqliteVec.load(db);
    if (!options.readonly) migrate(db);
  } catch (error) {
    db.close();
    if (error instanceof GlimpseError) throw error;
    throw new GlimpseError('DATABASE_ERROR', `${path}: ${(error as Error).message}`, { path, cause: error });
  }
  return db;
}

export function migrate(db: SqliteDatabase): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  const latest = MIGRATIONS.at(-1)?.version ?? 0;
  if (current > latest) {
    throw new GlimpseError(
      'DATABASE_ERROR',
      `the database is at schema version ${current}, newer than this Glimpse knows (${latest})`,
      {
        hint: 'Upgrade Glimpse, or point --db at another file.',
      },
    );
  }
  for (const migration of MIGRATIONS) {
    if (migration.version <= current) continue;
    db.transaction(() => {
      db.exec(migration.sql);
      db.pragma(`user_version = ${migration.version}`);
    })();
  }
}
