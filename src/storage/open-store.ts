/**
 * Opening a store: the one place that knows which implementations there are. A `postgres://` (or `postgresql://`)
 * URL opens the PostgreSQL store (storage/postgres/); anything else is a SQLite file (or ':memory:').
 */
import { isPostgresUrl, redactUrl } from './postgres/connection.js';
import { PostgresStore } from './postgres/postgres-store.js';
import { SqliteStore, type SqliteStoreOptions } from './sqlite/sqlite-store.js';

export type OpenStoreOptions = SqliteStoreOptions;

/** Either implementation: search picks its full-text stage by which one it is. */
export type OpenedStore = SqliteStore | PostgresStore;

export { isPostgresUrl, redactUrl };

export function openStore(location: string, options: OpenStoreOptions = {}): OpenedStore {
  return isPostgresUrl(location) ? new PostgresStore(location, options) : new SqliteStore(location, options);
}
