/**
 * Prepared statements kept by SQL text, for the library's connection (SearchIndex.prepared) and each ranking
 * thread's own: preparing a full-text query costs about as much as running a selective one.
 */
import type { Database, Statement } from 'better-sqlite3';

/** SQL varies with the number of query phrases and IN-list lengths: a bound, not a leak. */
const KEPT = 500;

export function preparedIn(statements: Map<string, Statement>, db: Database, sql: string): Statement {
  let found = statements.get(sql);
  if (!found) {
    if (statements.size >= KEPT) statements.clear();
    statements.set(sql, (found = db.prepare(sql)));
  }
  return found;
}
