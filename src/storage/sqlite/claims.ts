/**
 * Claims (`claims`): a lease on a content hash while one process describes it, so concurrent indexers never pay for
 * the same image twice. A claim is taken when free, expired, already this owner's, or held by a process on this
 * host that is gone (killed); otherwise the caller does other work and asks again.
 */

import type { Statement } from 'better-sqlite3';
import { holderIsGone, type ProcessIdentity } from '../process-identity.js';
import { type SqliteDatabase, statementCache } from './database.js';

export class SqliteClaims {
  /** Whether this store ever claimed anything (only then is there something to release when it closes). */
  private claimed = false;
  /** Prepared once: indexing claims and releases every image it describes (see statementCache). */
  private readonly sql: (sql: string) => Statement;

  constructor(
    private readonly db: SqliteDatabase,
    private readonly me: ProcessIdentity,
  ) {
    this.sql = statementCache(db);
  }

  claim(sha256: string, ttlMs: number): boolean {
    return this.db
      .transaction(() => {
        const now = Date.now();
        const holder = this.sql('SELECT owner, host, pid, expires_at FROM claims WHERE sha256 = ?').get(sha256) as
          | { owner: string; host: string; pid: number; expires_at: number }
          | undefined;
        if (holder && holder.owner !== this.me.owner && holder.expires_at > now && !holderIsGone(holder)) return false;
        this.claimed = true;
        this.sql('INSERT OR REPLACE INTO claims (sha256, owner, host, pid, expires_at) VALUES (?, ?, ?, ?, ?)').run(
          sha256,
          this.me.owner,
          this.me.host,
          this.me.pid,
          now + ttlMs,
        );
        return true;
      })
      .immediate();
  }

  renewClaims(ttlMs: number): void {
    if (!this.claimed) return;
    this.db.prepare('UPDATE claims SET expires_at = ? WHERE owner = ?').run(Date.now() + ttlMs, this.me.owner);
  }

  releaseClaim(sha256: string): void {
    this.sql('DELETE FROM claims WHERE sha256 = ? AND owner = ?').run(sha256, this.me.owner);
  }

  /** Forget claims whose holder is gone or whose lease ran out (a killed indexer's, say). */
  releaseStaleClaims(): void {
    const holders = this.db.prepare('SELECT DISTINCT owner, host, pid, expires_at FROM claims').all() as {
      owner: string;
      host: string;
      pid: number;
      expires_at: number;
    }[];
    const forget = this.db.prepare('DELETE FROM claims WHERE owner = ?');
    for (const holder of holders)
      if (holder.owner !== this.me.owner && (holder.expires_at < Date.now() || holderIsGone(holder)))
        forget.run(holder.owner);
  }

  releaseAllClaims(): void {
    if (!this.claimed) return;
    this.db.prepare('DELETE FROM claims WHERE owner = ?').run(this.me.owner);
  }
}
