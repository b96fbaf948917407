/**
 * What is known about a content hash, whichever files have it: the generated description (`descriptions`),
 * a person's own caption and tags (`user_edits`, never overwritten by generated ones) and the thumbnail.
 */

import type { Statement } from 'better-sqlite3';
import type { Description } from '../../providers/spec.js';
import { DESCRIPTION_COLUMNS, descriptionValues, rowToDescription, rowToUserEdits } from '../rows.js';
import type { DescriptionKey, StoredDescription, UserEdits } from '../store.js';
import { type SqliteDatabase, statementCache } from './database.js';

const now = () => new Date().toISOString();

export class SqliteDescriptions {
  /** Prepared once, used for every image (see statementCache). */
  private readonly sql: (sql: string) => Statement;

  constructor(db: SqliteDatabase) {
    this.sql = statementCache(db);
  }

  description(sha256: string): StoredDescription | undefined {
    const row = this.sql('SELECT * FROM descriptions WHERE sha256 = ?').get(sha256) as
      | Record<string, unknown>
      | undefined;
    return row ? rowToDescription(row) : undefined;
  }

  isDescribed(sha256: string, key: DescriptionKey): boolean {
    const row = this.sql(
      'SELECT 1 FROM descriptions WHERE sha256 = ? AND provider = ? AND requested_model = ? AND prompt_version = ?',
    ).get(sha256, key.provider, key.requestedModel, key.promptVersion);
    return row !== undefined;
  }

  saveDescription(sha256: string, description: Description, key: DescriptionKey, ms: number): void {
    this.sql(
      `INSERT OR REPLACE INTO descriptions (${DESCRIPTION_COLUMNS.join(', ')})
         VALUES (${DESCRIPTION_COLUMNS.map(() => '?').join(', ')})`,
    ).run(...descriptionValues(sha256, description, key, ms));
  }

  userEdits(sha256: string): UserEdits | undefined {
    const row = this.sql('SELECT * FROM user_edits WHERE sha256 = ?').get(sha256) as
      | Record<string, unknown>
      | undefined;
    return row ? rowToUserEdits(row) : undefined;
  }

  saveUserEdits(
    sha256: string,
    edits: { caption?: string | null; tags?: string[] | null },
    source?: string | null,
  ): void {
    const current = this.userEdits(sha256);
    const caption = edits.caption === undefined ? (current?.caption ?? null) : edits.caption;
    const tags = edits.tags === undefined ? (current?.tags ?? null) : edits.tags;
    // Nothing of the person's left (cleared): no edit at all, so nothing says "edited by hand".
    if (!caption && !tags?.length) {
      this.sql('DELETE FROM user_edits WHERE sha256 = ?').run(sha256);
      return;
    }
    this.sql('INSERT OR REPLACE INTO user_edits (sha256, caption, tags, edited_at, source) VALUES (?, ?, ?, ?, ?)').run(
      sha256,
      caption,
      tags ? JSON.stringify(tags) : null,
      now(),
      source ?? null,
    );
  }

  hasThumbnail(sha256: string): boolean {
    return this.sql('SELECT 1 FROM thumbnails WHERE sha256 = ?').get(sha256) !== undefined;
  }

  saveThumbnail(sha256: string, webp: Buffer): void {
    this.sql('INSERT OR REPLACE INTO thumbnails (sha256, webp) VALUES (?, ?)').run(sha256, webp);
  }

  thumbnail(sha256: string): Buffer | undefined {
    return (this.sql('SELECT webp FROM thumbnails WHERE sha256 = ?').get(sha256) as { webp: Buffer } | undefined)?.webp;
  }

  /** Content no image points at any more: forget its description, edits and thumbnail. */
  forgetContent(sha256: string): void {
    for (const table of ['descriptions', 'user_edits', 'thumbnails']) {
      this.sql(`DELETE FROM ${table} WHERE sha256 = ?`).run(sha256);
    }
  }
}
