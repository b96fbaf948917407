/**
 * Indexing runs (`runs`), the files that failed (`failures`, one row per path until it succeeds), and the counts
 * `glimpse status` shows.
 */
import type { FailureRecord, ProviderUsage, RunCounts, StoreCounts } from '../store.js';
import type { SqliteDatabase } from './database.js';

const now = () => new Date().toISOString();

export class SqliteRuns {
  constructor(private readonly db: SqliteDatabase) {}

  recordFailure(path: string, code: string, message: string, runId: number | null): void {
    this.db
      .prepare('INSERT OR REPLACE INTO failures (path, code, message, run_id, failed_at) VALUES (?, ?, ?, ?, ?)')
      .run(path, code, message, runId, now());
  }

  clearFailure(path: string): void {
    this.db.prepare('DELETE FROM failures WHERE path = ?').run(path);
  }

  failures(): FailureRecord[] {
    return this.db
      .prepare('SELECT path, code, message, failed_at AS failedAt FROM failures ORDER BY failed_at DESC, path')
      .all() as FailureRecord[];
  }

  startRun(provider: string, model: string): number {
    return Number(
      this.db.prepare('INSERT INTO runs (started_at, provider, model) VALUES (?, ?, ?)').run(now(), provider, model)
        .lastInsertRowid,
    );
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
