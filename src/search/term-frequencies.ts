/**
 * How many images hold each term of the full-text index. FTS5 keeps no such count: its vocabulary table
 * (search_terms) reads a term's whole row list to count it, which is slow for a common term in a large library.
 * Counts are therefore kept per connection: exact ones until the library changes at all (PRAGMA data_version for
 * other connections' commits, total_changes() for this one's), approximate ones until it has grown or shrunk by
 * more than 2%. And in the database (search_term_counts, migration 3), so that a new process — a one-shot
 * `glimpse search` — need not count them again: those are exact while the full-text index is unchanged.
 *
 * New counts are written when the Glimpse closes (saveTermCounts), not as they are taken: a write on the library
 * connection is a change to it, and every per-connection cache of a search (these counts, the native ranking
 * function's row lengths, the ranking threads' too) would be thrown away at each query that met a new word.
 */
import type { SearchIndex } from './search-index.js';

export interface TermCounts {
  stamp: string;
  documents: Map<string, number>;
}

/**
 * Documents holding each term (0 for terms no document has), as FTS5 stores terms (porter stems, concept tokens).
 * `atMost`: the caller only needs counts up to it; a term in more documents may be reported as any larger number.
 */
export function documentFrequencies(
  index: SearchIndex,
  terms: readonly string[],
  atMost?: number,
): Map<string, number> {
  // PostgreSQL counts from its postings and keeps the counts itself (postgres-full-text.ts).
  if (index.postgres) return index.postgres.documentFrequencies(terms, atMost);
  const stamp = connectionStamp(index);
  let counts = index.caches.exactCounts;
  if (!counts || counts.stamp !== stamp) index.caches.exactCounts = counts = { stamp, documents: new Map() };
  const known = counts.documents;
  const missing = [...new Set(terms.filter((term) => !known.has(term)))];
  if (missing.length > 0) countTerms(index, missing, known);
  return new Map(terms.map((term) => [term, known.get(term) ?? 0]));
}

/**
 * Counts `terms` into `known`: those saved in the database while the index is as it was then, the others from
 * search_terms, which are then saved.
 */
function countTerms(index: SearchIndex, terms: readonly string[], known: Map<string, number>): void {
  const db = index.sqlite.db;
  // Inside a caller's transaction, FTS5 may hold changes its structure record does not show yet: count, don't keep.
  const saved = db.inTransaction ? null : savedCounts(index);
  const counted = new Map<string, number>();
  const read = () => {
    const structure = saved?.structure();
    const found = structure ? saved!.counts(structure, terms) : new Map<string, number>();
    const uncounted = terms.filter((term) => !found.has(term));
    for (let start = 0; start < uncounted.length; start += 500) {
      const batch = uncounted.slice(start, start + 500);
      const rows = db
        .prepare(`SELECT term, doc FROM search_terms WHERE term IN (${batch.map(() => '?').join(',')})`)
        .all(...batch) as {
        term: string;
        doc: number;
      }[];
      for (const term of batch) counted.set(term, 0);
      for (const row of rows) counted.set(row.term, row.doc);
    }
    for (const [term, documents] of [...found, ...counted]) known.set(term, documents);
    return structure;
  };
  // One read transaction: the structure record and the counts are of the same state of the index.
  const structure = saved ? db.transaction(read)() : read();
  if (!saved || !structure || counted.size === 0) return;
  const pending = index.caches.pendingCounts;
  if (pending?.structure.equals(structure))
    for (const [term, documents] of counted) pending.counted.set(term, documents);
  else index.caches.pendingCounts = { structure, counted };
}

/** Counts taken since the last save, and the state of the index they were taken at. */
export interface PendingCounts {
  structure: Buffer;
  counted: Map<string, number>;
}

/** Writes the counts this process took (if the index is still as it was then); called as the Glimpse closes. */
export function saveTermCounts(index: SearchIndex): void {
  const pending = index.caches.pendingCounts;
  index.caches.pendingCounts = null;
  if (pending && !index.postgres && index.sqlite.db.open) savedCounts(index)?.save(pending.structure, pending.counted);
}

export type SavedCounts = ReturnType<typeof openSavedCounts>;

/**
 * Per index, looked up once: migrations run when a store opens, so whether the table is there does not change while
 * it is open; and its statements are prepared once, not at every query that meets a new word.
 */
function savedCounts(index: SearchIndex): SavedCounts {
  if (index.caches.savedCounts === undefined) index.caches.savedCounts = openSavedCounts(index);
  return index.caches.savedCounts;
}

/** The counts table (migration 3), or null for a database without it (an older one opened read-only). */
function openSavedCounts(index: SearchIndex) {
  const db = index.sqlite.db;
  if (!db.prepare("SELECT 1 FROM sqlite_master WHERE name = 'search_term_counts_state'").get()) return null;
  const stateStatement = db.prepare('SELECT structure FROM search_term_counts_state WHERE id = 1').pluck();
  const structureStatement = db.prepare('SELECT block FROM search_index_data WHERE id = 10').pluck();
  const currentStructure = (): Buffer | null => (structureStatement.get() as Buffer | undefined) ?? null;
  return {
    /** FTS5's structure record: it changes at every commit that changes the full-text index (see migration 3). */
    structure: currentStructure,
    /** The saved counts of `terms` if they were taken at `structure`. */
    counts(structure: Buffer, terms: readonly string[]): Map<string, number> {
      const found = new Map<string, number>();
      const state = stateStatement.get() as Buffer | undefined;
      if (!state?.equals(structure)) return found;
      for (let start = 0; start < terms.length; start += 500) {
        const batch = terms.slice(start, start + 500);
        const rows = db
          .prepare(`SELECT term, documents FROM search_term_counts WHERE term IN (${batch.map(() => '?').join(',')})`)
          .all(...batch) as {
          term: string;
          documents: number;
        }[];
        for (const row of rows) found.set(row.term, row.documents);
      }
      return found;
    },
    /**
     * Keep `counted`, taken at `structure`, if the index is still there; counts of an older index are dropped.
     * Best effort and never waiting: with another connection writing (an index run) or a read-only file, skipped.
     */
    save(structure: Buffer, counted: Map<string, number>): void {
      const timeout = db.pragma('busy_timeout', { simple: true }) as number;
      db.pragma('busy_timeout = 0');
      try {
        db.transaction(() => {
          if (!structure.equals(currentStructure() ?? Buffer.alloc(0))) return;
          const state = stateStatement.get() as Buffer | undefined;
          if (!state?.equals(structure)) {
            db.prepare('DELETE FROM search_term_counts').run();
            db.prepare('INSERT OR REPLACE INTO search_term_counts_state (id, structure) VALUES (1, ?)').run(structure);
          }
          const insert = db.prepare('INSERT OR REPLACE INTO search_term_counts (term, documents) VALUES (?, ?)');
          for (const [term, documents] of counted) insert.run(term, documents);
        }).immediate();
      } catch {
        // Busy or read-only: the counts serve this process, and the next one counts again.
      } finally {
        db.pragma(`busy_timeout = ${timeout}`);
      }
    },
  };
}

/** Changes when the library may have: another connection committed (data_version) or this one changed rows. */
export function connectionStamp(index: SearchIndex): string {
  if (index.postgres) return index.postgres.stamp();
  // Prepared once (db.pragma would prepare its statement at every call, several times a query).
  return `${index.prepared('PRAGMA data_version').pluck().get()}:${index.prepared('SELECT total_changes()').pluck().get()}`;
}

/** The library's size when the approximate counts were taken, and the counts. */
export interface ApproximateCounts {
  images: number;
  documents: Map<string, number>;
}

/**
 * Counts that may be up to 2% of the library out of date, for weighting words by rarity (the reranker's idf):
 * searching while indexing would otherwise recount hundreds of terms per query. `images`: the library's size now.
 * The counts kept, of every term of `terms` and maybe others (not to be changed: a copy of hundreds of terms per
 * query would be made for nothing).
 */
export function approximateDocumentFrequencies(
  index: SearchIndex,
  terms: readonly string[],
  images: number,
): ReadonlyMap<string, number> {
  let approximate = index.caches.approximateCounts;
  if (!approximate || Math.abs(approximate.images - images) > approximate.images * 0.02) {
    index.caches.approximateCounts = approximate = { images, documents: new Map() };
  }
  const known = approximate.documents;
  let missing: string[] | null = null;
  for (const term of terms) if (!known.has(term)) (missing ??= []).push(term);
  if (missing)
    for (const [term, documents] of documentFrequencies(index, [...new Set(missing)])) known.set(term, documents);
  return known;
}
