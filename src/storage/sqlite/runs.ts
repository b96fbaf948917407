/**
 * Indexing runs (`runs`), the files that failed (`failures`, one row per path until it succeeds), and the counts
 * `glimpse status` shows.
 */

import type { Statement } from 'better-sqlite3';
import type { ProcessIdentity } from '../process-identity.js';
import { interruptedOf, type OpenRunRow, runIsGone } from '../rows.js';
import type { FailureRecord, InterruptedRun, ProviderUsage, RunCounts, StoreCounts } from '../store.js';
import { type SqliteDatabase, statementCache } from './database.js';

const now = () => new Date().toISOString();

/** How long a run counts as alive without its process renewing the lease (the indexer renews it far more often). */
export const RUN_LEASE_MS = 120_000;

export class SqliteRuns {
  /** Prepared once: indexing clears a failure for every image it commits (see statementCache). */
  private readonly sql: (sql: string) => Statement;

  constructor(
    private readonly db: SqliteDatabase,
    private readonly me: ProcessIdentity,
  ) {
    this.sql = statementCache(db);
  }

  recordFailure(path: string, code: string, message: string, runId: number | null): void {
    this.sql('INSERT OR REPLACE INTO failures (path, code, message, run_id, failed_at) VALUES (?, ?, ?, ?, ?)').run(
      path,
      code,
      message,
      runId,
      now(),
    );
  }

  clearFailure(path: string): void {
    this.sql('DELETE FROM failures WHERE path = ?').run(path);
  }

  failures(): FailureRecord[] {
    return this.db
      .prepare('SELECT path, code, message, failed_at AS failedAt FROM failures ORDER BY failed_at DESC, path')
      .all() as FailureRecord[];
  }

  /** A new run, held by this process; runs left open by processes that are gone are marked interrupted first. */
  startRun(provider: string, model: string): number {
    return this.db
      .transaction(() => {
        const stamp = now();
        const mark = this.db.prepare('UPDATE runs SET interrupted_at = ? WHERE id = ?');
        for (const run of this.openRuns()) if (!run.interruptedAt && runIsGone(run)) mark.run(stamp, run.id);
        return Number(
          this.db
            .prepare('INSERT INTO runs (started_at, provider, model, host, pid, alive_until) VALUES (?, ?, ?, ?, ?, ?)')
            .run(stamp, provider, model, this.me.host, this.me.pid, Date.now() + RUN_LEASE_MS).lastInsertRowid,
        );
      })
      .immediate();
  }

  /** Keep this process's unfinished runs alive for another `ttlMs`. */
  renewRuns(ttlMs: number): void {
    this.db
      .prepare('UPDATE runs SET alive_until = ? WHERE host = ? AND pid = ? AND finished_at IS NULL')
      .run(Date.now() + ttlMs, this.me.host, this.me.pid);
  }

  /** Runs marked interrupted, and open runs whose process is gone (not marked yet: no run started since). */
  interruptedRuns(limit = 20): InterruptedRun[] {
    return interruptedOf(this.openRuns(), limit);
  }

  /** Whether another process has a run going on this library (not finished, not interrupted, its process alive). */
  othersRunning(): boolean {
    return this.openRuns().some(
      (run) => !run.interruptedAt && !runIsGone(run) && !(run.host === this.me.host && run.pid === this.me.pid),
    );
  }

  /** Unfinished runs, newest first. A database opened read-only before migration 5 has no process columns. */
  private openRuns(): OpenRunRow[] {
    const columns = (this.db.prepare('PRAGMA table_info(runs)').all() as { name: string }[]).map(({ name }) => name);
    const process = columns.includes('interrupted_at')
      ? 'host, pid, alive_until AS aliveUntil, interrupted_at AS interruptedAt'
      : 'NULL AS host, NULL AS pid, NULL AS aliveUntil, NULL AS interruptedAt';
    return this.db
      .prepare(
        `SELECT id, started_at AS startedAt, provider, model, ${process} FROM runs WHERE finished_at IS NULL ORDER BY id DESC`,
      )
      .all() as OpenRunRow[];
  }

  finishRun(id: number, counts: RunCounts): void {
    this.db
      .prepare('UPDATE runs SET finished_at = ?, indexed = ?, unchanged = ?, failed = ? WHERE id = ?')
      .run(now(), counts.indexed, counts.unchanged, counts.failed, id);
  }

  counts(): StoreCounts {
    return this.db
      .prepare(
        `SELECT (SELECT count(*) FROM images) AS images,
                (SELECT count(*) FROM images WHERE sha256 IN (SELECT sha256 FROM descriptions)) AS described,
                (SELECT count(*) FROM failures) AS failed`,
      )
      .get() as StoreCounts;
  }

  providersUsed(): ProviderUsage[] {
    return this.db
      .prepare(
        `SELECT d.provider, d.model, d.prompt_version AS promptVersion, count(i.id) AS images
         FROM descriptions d JOIN images i ON i.sha256 = d.sha256
         GROUP BY d.provider, d.model, d.prompt_version ORDER BY images DESC`,
      )
      .all() as ProviderUsage[];
  }
}
