/**
 * Images and files: one row per path (or URL) in `images`, and its row in the full-text index `search_index`
 * (rowid = images.id).
 */
import type { Statement } from 'better-sqlite3';
import { fileNameOf, folderOf, rowToImage } from '../rows.js';
import type {
  FileFacts,
  FillSearchReadingsOptions,
  ImageRecord,
  SearchDocument,
  SearchFields,
  SearchReadingsFill,
} from '../store.js';
import { type SqliteDatabase, statementCache } from './database.js';

const now = () => new Date().toISOString();
/** Pages a step of merging the full-text index writes at most: the write lock is held a fraction of a second. */
const MERGE_STEP_PAGES = 500;

export class SqliteImages {
  /** Prepared once, used for every image (see statementCache). */
  private readonly sql: (sql: string) => Statement;

  constructor(private readonly db: SqliteDatabase) {
    this.sql = statementCache(db);
  }

  imageByPath(path: string): ImageRecord | undefined {
    return rowToImage(this.sql('SELECT * FROM images WHERE path = ?').get(path));
  }

  imageById(id: number): ImageRecord | undefined {
    return rowToImage(this.sql('SELECT * FROM images WHERE id = ?').get(id));
  }

  imagesBySha(sha256: string): ImageRecord[] {
    return this.sql('SELECT * FROM images WHERE sha256 = ? ORDER BY id')
      .all(sha256)
      .map((row) => rowToImage(row)!);
  }

  allImages(): ImageRecord[] {
    return this.sql('SELECT * FROM images ORDER BY path')
      .all()
      .map((row) => rowToImage(row)!);
  }

  /** Keyset pages by id: no statement stays open between batches, so the caller may read and write meanwhile. */
  *iterateImages(batchSize = 1000): Generator<ImageRecord> {
    const page = this.sql('SELECT * FROM images WHERE id > ? ORDER BY id LIMIT ?');
    let after = 0;
    for (;;) {
      const rows = page.all(after, batchSize);
      for (const row of rows) yield rowToImage(row)!;
      if (rows.length < batchSize) return;
      after = (rows.at(-1) as { id: number }).id;
    }
  }

  upsertImage(facts: FileFacts): number {
    const timestamp = now();
    const row = this.sql(
      `INSERT INTO images (path, folder, file_name, sha256, size_bytes, mtime_ms, width, height, format, taken_at, camera,
                             latitude, longitude, added_at, seen_at)
         VALUES (@path, @folder, @fileName, @sha256, @sizeBytes, @mtimeMs, @width, @height, @format, @takenAt, @camera,
                 @latitude, @longitude, @timestamp, @timestamp)
         ON CONFLICT (path) DO UPDATE SET sha256 = excluded.sha256, size_bytes = excluded.size_bytes,
           mtime_ms = excluded.mtime_ms, width = excluded.width, height = excluded.height, format = excluded.format,
           taken_at = excluded.taken_at, camera = excluded.camera, latitude = excluded.latitude,
           longitude = excluded.longitude, seen_at = excluded.seen_at
         RETURNING id`,
    ).get({
      path: facts.path,
      folder: folderOf(facts.path),
      fileName: fileNameOf(facts.path),
      sha256: facts.sha256,
      sizeBytes: facts.sizeBytes,
      mtimeMs: facts.mtimeMs,
      width: facts.width,
      height: facts.height,
      format: facts.format,
      takenAt: facts.exif?.takenAt ?? null,
      camera: facts.exif?.camera ?? null,
      latitude: facts.exif?.latitude ?? null,
      longitude: facts.exif?.longitude ?? null,
      timestamp,
    }) as { id: number };
    return row.id;
  }

  moveImage(id: number, newPath: string): void {
    this.sql('UPDATE images SET path = ?, folder = ?, file_name = ?, seen_at = ? WHERE id = ?').run(
      newPath,
      folderOf(newPath),
      fileNameOf(newPath),
      now(),
      id,
    );
  }

  touchImage(id: number): void {
    this.sql('UPDATE images SET seen_at = ? WHERE id = ?').run(now(), id);
  }

  /** The image's row and its search row; its vectors and content are the caller's (see SqliteStore.deleteImage). */
  deleteRows(id: number): void {
    this.sql('DELETE FROM images WHERE id = ?').run(id);
    this.sql('DELETE FROM search_index WHERE rowid = ?').run(id);
    this.sql('DELETE FROM search_sentences WHERE id = ?').run(id);
  }

  saveSearchDocument(imageId: number, document: SearchDocument): void {
    this.db.transaction(() => {
      this.sql('DELETE FROM search_index WHERE rowid = ?').run(imageId);
      this.sql(
        'INSERT INTO search_index (rowid, caption, tags, detailed, text, concepts, path) VALUES (?, ?, ?, ?, ?, ?, ?)',
      ).run(
        imageId,
        document.caption,
        document.tags,
        document.detailed,
        document.text,
        document.concepts,
        document.path,
      );
      // The stored reading must never outlive the row it was made from: replaced, or dropped when there is none.
      this.sql('DELETE FROM search_sentences WHERE id = ?').run(imageId);
      // Read once: search/documents.ts works it out when asked.
      const sentences = document.sentences;
      if (sentences) this.sql('INSERT INTO search_sentences (id, analysis) VALUES (?, ?)').run(imageId, sentences);
    })();
  }

  /**
   * How many segments FTS5 keeps the full-text index in (each holds its own b-tree of terms, so a query looks a term
   * up once per segment), and how many records (pages) those hold: what merging them would rewrite.
   */
  searchIndexShape(): { segments: number; records: number } {
    return {
      segments: this.sql('SELECT count(DISTINCT segid) FROM search_index_idx').pluck().get() as number,
      records: this.sql('SELECT count(*) FROM search_index_data').pluck().get() as number,
    };
  }

  /**
   * One step of merging every segment into one: FTS5's incremental 'merge' with at most MERGE_STEP_PAGES pages
   * written; a negative count starts a merge of all segments (as 'optimize' does), positive counts go on with it.
   * Returns whether there is more to do (FTS5 says so by the changes it counts: fewer than 2, no work was done).
   * Each step is complete or not at all (killed halfway, SQLite rolls it back) and the index answers the same at every
   * step: rows, terms and their counts are unchanged, so ranking is too (bm25 reads per-row and per-term counts).
   */
  mergeSearchIndexStep(first: boolean): boolean {
    const changes = this.sql('SELECT total_changes()').pluck();
    const before = changes.get() as number;
    this.sql("INSERT INTO search_index(search_index, rank) VALUES('merge', ?)").run(
      first ? -MERGE_STEP_PAGES : MERGE_STEP_PAGES,
    );
    return (changes.get() as number) - before >= 2;
  }

  /** See Store.fillSearchReadings. */
  async fillSearchReadings(options: FillSearchReadingsOptions): Promise<SearchReadingsFill | null> {
    const { format, read, batch = 1000 } = options;
    if (this.sql('SELECT format FROM search_sentences_state WHERE id = 1').pluck().get() === format) return null;
    const started = performance.now();
    // A row needs one when it has none or one of another format (each begins "[format,", see encodeDocumentSentences).
    const stale = `[${format},%`;
    const lacking = 'a.id IS NULL OR a.analysis NOT LIKE ?';
    const total = this.sql(
      `SELECT count(*) FROM search_index_docsize d LEFT JOIN search_sentences a ON a.id = d.id WHERE ${lacking}`,
    )
      .pluck()
      .get(stale) as number;
    const rows = this.sql(
      `SELECT s.rowid AS id, s.caption, s.tags, s.detailed, s.text, s.path FROM search_index s
       LEFT JOIN search_sentences a ON a.id = s.rowid WHERE s.rowid > ? AND (${lacking}) ORDER BY s.rowid LIMIT ?`,
    );
    const store = this.sql('INSERT OR REPLACE INTO search_sentences (id, analysis) VALUES (?, ?)');
    let filled = 0;
    let after = -1;
    // Each batch read and written in one write transaction: a row another process rewrites meanwhile (with its own
    // reading) is either read after that or not at all, so no reading outlives its row; a killed run keeps its batches.
    const fillBatch = this.db.transaction(() => {
      const found = rows.all(after, stale, batch) as ({ id: number } & SearchFields)[];
      for (const { id, ...fields } of found) store.run(id, read(fields));
      if (found.length > 0) after = found[found.length - 1].id;
      return found.length;
    });
    for (;;) {
      if (options.signal?.aborted)
        return { filled, total, complete: false, ms: Math.round(performance.now() - started) };
      const count = fillBatch.immediate();
      if (count === 0) break;
      filled += count;
      options.onProgress?.(Math.min(filled, total), total);
      // A turn for the rest of the process between batches: a server's requests, a cancelling signal.
      await new Promise((resolve) => setImmediate(resolve));
    }
    this.sql('INSERT OR REPLACE INTO search_sentences_state (id, format) VALUES (1, ?)').run(format);
    return { filled, total, complete: true, ms: Math.round(performance.now() - started) };
  }
}
