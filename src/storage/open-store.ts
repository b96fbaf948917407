/**
 * Opening a store: the one place that knows which implementations there are. Today every location is a SQLite
 * file (or ':memory:'); another engine is one more folder beside `sqlite/` and one more branch here.
 */
import { SqliteStore, type SqliteStoreOptions } from './sqlite/sqlite-store.js';

export type OpenStoreOptions = SqliteStoreOptions;

/**
 * The store at `location`. Typed as the SQLite store while it is the only one: the full-text search reads its
 * database directly.
 */
export function openStore(location: string, options: OpenStoreOptions = {}): SqliteStore {
  return new SqliteStore(location, options);
}
