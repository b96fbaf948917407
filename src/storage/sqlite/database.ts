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

/** How long a statement waits for another process's write lock before failing with "database is locked". */
export const BUSY_TIMEOUT_MS = 5000;

export function openDatabase(path: string, options: { readonly?: boolean } = {}): SqliteDatabase {
  let db: SqliteDatabase;
  try {
    if (path !== ':memory:' && !options.readonly) mkdirSync(dirname(path), { recursive: true });
    // `timeout` is SQLite's busy_timeout, set before any statement: whatever waits for another process's lock below
    // (switching to WAL, the migrations) waits up to this long instead of failing at once with "database is locked".
    db = new Database(path, {
      readonly: options.readonly ?? false,
      fileMustExist: options.readonly ?? false,
      timeout: BUSY_TIMEOUT_MS,
    });
  } catch (error) {
    throw new GlimpseError('DATABASE_ERROR', `${path}: cannot open the database (${(error as Error).message})`, {
      path,
      cause: error,
    });
  }
  try {
    db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    if (!options.readonly) {
      withBusyRetry(() => db.pragma('journal_mode = WAL'));
      // NORMAL in WAL mode is durable against process crashes (kill -9); only a power cut can lose the last commits.
      db.pragma('synchronous = NORMAL');
    }
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

/**
 * Bring the schema up to date. Several processes may open a new file at once: each migration runs in a write
 * transaction taken up front (BEGIN IMMEDIATE, which waits for the busy timeout), and the version is read again
 * inside it, so a migration another process applied meanwhile is skipped instead of run twice.
 */
export function migrate(db: SqliteDatabase): void {
  const latest = MIGRATIONS.at(-1)?.version ?? 0;
  const version = () => db.pragma('user_version', { simple: true }) as number;
  const check = (current: number) => {
    if (current > latest) {
      throw new GlimpseError(
        'DATABASE_ERROR',
        `the database is at schema version ${current}, newer than this Glimpse knows (${latest})`,
        {
          hint: 'Upgrade Glimpse, or point --db at another file.',
        },
      );
    }
  };
  check(version());
  if (version() === latest) return;
  for (const migration of MIGRATIONS) {
    withBusyRetry(() =>
      db
        .transaction(() => {
          const current = version();
          check(current);
          if (migration.version <= current) return;
          db.exec(migration.sql);
          db.pragma(`user_version = ${migration.version}`);
        })
        .immediate(),
    );
  }
}

/**
 * SQLite answers some lock waits with SQLITE_BUSY without calling the busy handler (changing the journal mode while
 * another connection opens the file, or a deadlock between two readers that want to write): retry those for as
 * long as the busy timeout.
 */
function withBusyRetry<T>(fn: () => T): T {
  const deadline = Date.now() + BUSY_TIMEOUT_MS;
  for (let attempt = 1; ; attempt++) {
    try {
      return fn();
    } catch (error) {
      const code = (error as { code?: string }).code ?? '';
      if (!code.startsWith('SQLITE_BUSY') || Date.now() > deadline) throw error;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, Math.min(100, 5 * attempt));
    }
  }
}

/**
 * Statements prepared once per connection, by SQL text: preparing costs more than running the one-row look-ups that
 * search, export and indexing make for every image. Only for statements used as prepared — `.pluck()` and `.raw()`
 * change a statement for every later caller, so code that needs them prepares its own.
 */
export function statementCache(db: SqliteDatabase): (sql: string) => Database.Statement {
  const statements = new Map<string, Database.Statement>();
  return (sql) => {
    let statement = statements.get(sql);
    if (!statement) statements.set(sql, (statement = db.prepare(sql)));
    return statement;
  };
}
