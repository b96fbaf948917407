/**
 * The native ranking function weighted_bm25 (native/weighted_bm25.c, built into dist/native by
 * scripts/build-native.mjs): loaded into a connection on first use. When it is missing or does not load, search
 * ranks with stock bm25 over repeated phrases, which gives the same results more slowly.
 * GLIMPSE_NATIVE_RANKING=0 turns it off.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { SqliteDatabase } from '../storage/sqlite/database.js';

const SUFFIX = process.platform === 'win32' ? 'dll' : process.platform === 'darwin' ? 'dylib' : 'so';
export const WEIGHTED_BM25_PATH = fileURLToPath(new URL(`../native/weighted_bm25.${SUFFIX}`, import.meta.url));

/** Settable for tests (which compare both rankings) and by GLIMPSE_NATIVE_RANKING=0. */
export const NATIVE_RANKING = { enabled: process.env.GLIMPSE_NATIVE_RANKING !== '0' };

const loaded = new WeakMap<SqliteDatabase, boolean>();
let warned = false;

/** Whether weighted_bm25 can be used on this connection (loading it the first time). */
export function hasWeightedBm25(db: SqliteDatabase): boolean {
  if (!NATIVE_RANKING.enabled) return false;
  let available = loaded.get(db);
  if (available === undefined) {
    available = existsSync(WEIGHTED_BM25_PATH) && loadWeightedBm25(db);
    loaded.set(db, available);
  }
  return available;
}

export function loadWeightedBm25(db: SqliteDatabase): boolean {
  try {
    // The entry point is named for the file (SQLite's rule); better-sqlite3 takes it as a second argument.
    (db.loadExtension as (path: string, entryPoint: string) => void)(WEIGHTED_BM25_PATH, 'sqlite3_weightedbm_init');
    return true;
  } catch (error) {
    if (!warned) {
      warned = true;
      process.emitWarning(
        `${WEIGHTED_BM25_PATH} did not load (${(error as Error).message}); searching with stock bm25 (slower). Rebuild it with npm run build.`,
      );
    }
    return false;
  }
}
