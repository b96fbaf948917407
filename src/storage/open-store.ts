/**
 * Opening a store: the one place that knows which implementations there are. A `postgres://` (or `postgresql://`)
 * URL opens the PostgreSQL store (storage/postgres/); anything else is a SQLite file (or ':memory:'). The PostgreSQL
 * store, its driver thread and migrations are loaded only to open one: a search of a SQLite file does without.
 */
import { isPostgresUrl } from './location.js';
import type { PostgresStore } from './postgres/postgres-store.js';
import { SqliteStore, type SqliteStoreOptions } from './sqlite/sqlite-store.js';

export type OpenStoreOptions = SqliteStoreOptions;

/** Either implementation: search picks its full-text stage by which one it is. */
export type OpenedStore = SqliteStore | PostgresStore;

export async function openStore(location: string, options: OpenStoreOptions = {}): Promise<OpenedStore> {
  if (!isPostgresUrl(location)) return new SqliteStore(location, options);
  const { PostgresStore } = await import('./postgres/postgres-store.js');
  return new PostgresStore(location, options);
}
