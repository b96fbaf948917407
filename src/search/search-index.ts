/**
 * One SearchIndex per store: the search side of a library. It owns what search keeps between queries for that
 * store — ranking threads, the highlight connection, term counts, prepared statements — and frees them all in
 * `close()`, so whoever opens a store closes its search with one call.
 */

import type { Statement } from 'better-sqlite3';
import type { Embedder } from '../providers/spec.js';
import type { OpenedStore } from '../storage/open-store.js';
import type { PostgresStore } from '../storage/postgres/postgres-store.js';
import type { SqliteStore } from '../storage/sqlite/sqlite-store.js';
import type { ImageRecord } from '../storage/store.js';
import type { SearchOptions, SearchResponse } from '../types.js';
import { refreshSearchDocument, searchDocumentText } from './documents.js';
import type { RankingThread } from './full-text.js';
import type { HighlightCopy } from './highlights.js';
import { hasWeightedBm25 } from './native-ranking.js';
import { PostgresFullText } from './postgres-full-text.js';
import { searchImages } from './search.js';
import type { Vocabulary } from './spelling.js';
import { preparedIn } from './statements.js';
import {
  type ApproximateCounts,
  type PendingCounts,
  type SavedCounts,
  saveTermCounts,
  type TermCounts,
} from './term-frequencies.js';

/** What search keeps between queries. Each module of search/ owns its own entry; this object only holds them. */
export interface SearchCaches {
  /** full-text.ts: worker threads ranking rowid ranges of a large library. */
  rankingThreads: RankingThread[];
  /** highlights.ts: the private in-memory table that highlights and snippets are taken from. */
  highlights: HighlightCopy | null;
  /** term-frequencies.ts: exact counts while the library is unchanged, counts to save, the saved-counts table. */
  exactCounts: TermCounts | null;
  pendingCounts: PendingCounts | null;
  /** undefined: not looked up yet; null: the database has no such table (an older one opened read-only). */
  savedCounts: SavedCounts | undefined;
  approximateCounts: ApproximateCounts | null;
  /** rerank.ts: whether the library has search_sentences (undefined: not looked up yet). */
  storedSentences: boolean | undefined;
  /** prepared(): statements by SQL text. */
  statements: Map<string, Statement>;
  /** spelling.ts: the library's words, while the library is unchanged. */
  vocabulary: Vocabulary | null;
}

export class SearchIndex {
  readonly caches: SearchCaches = {
    rankingThreads: [],
    highlights: null,
    exactCounts: null,
    pendingCounts: null,
    savedCounts: undefined,
    approximateCounts: null,
    storedSentences: undefined,
    statements: new Map(),
    vocabulary: null,
  };

  /**
   * The full-text stage on PostgreSQL (postgres-full-text.ts); null on SQLite, where search reads the FTS5 table on
   * the store's connection (`sqlite`). Everything else in search is the same on both.
   */
  readonly postgres: PostgresFullText | null;

  constructor(readonly store: OpenedStore) {
    this.postgres = isPostgres(store) ? new PostgresFullText(store) : null;
  }

  /** The SQLite store, for the FTS5 stage (callers check `postgres` first). */
  get sqlite(): SqliteStore {
    if (isPostgres(this.store)) throw new Error('the FTS5 stage needs a SQLite store');
    return this.store;
  }

  /** Images matching a text query, best first; hybrid when an embedder is given and the store has its vectors. */
  search(query: string, options: SearchOptions, embedder: Embedder | null): Promise<SearchResponse> {
    return searchImages(this, query, options, embedder);
  }

  /**
   * A statement on the library's connection, prepared once and kept until the index closes: preparing a full-text
   * query costs about as much as running a selective one. Callers keep one mode (pluck, raw) per SQL text.
   */
  prepared(sql: string): Statement {
    return preparedIn(this.caches.statements, this.sqlite.db, sql);
  }

  /** Rebuild an image's search row from its description and a person's edits (after either changes). */
  refresh(image: ImageRecord): void {
    refreshSearchDocument(this.store, image);
  }

  /** The text an embedding model sees for an image. */
  documentText(image: ImageRecord): string {
    return searchDocumentText(this.store, image);
  }

  /**
   * How full-text search ranks here: the native weighted_bm25 function, or stock bm25 (same results, slower), or
   * on PostgreSQL the GIN index's candidates scored with the same bm25.
   */
  ranking(): 'native' | 'stock' | 'postgres' {
    if (this.postgres) return 'postgres';
    return hasWeightedBm25(this.sqlite.db) ? 'native' : 'stock';
  }

  /** Saves the term counts this process took, stops the ranking threads and frees the rest. */
  async close(): Promise<void> {
    const { caches } = this;
    const threads = caches.rankingThreads.splice(0).map((thread) => thread.close());
    caches.highlights?.db.close();
    caches.highlights = null;
    saveTermCounts(this);
    caches.exactCounts = caches.approximateCounts = null;
    caches.savedCounts = undefined;
    caches.storedSentences = undefined;
    caches.statements.clear();
    caches.vocabulary = null;
    await Promise.all(threads);
  }
}

function isPostgres(store: OpenedStore): store is PostgresStore {
  return (store as PostgresStore).kind === 'postgres';
}
