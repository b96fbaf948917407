/**
 * Explaining results: FTS5's highlight() and snippet() for the rows being shown, run over a copy of those rows in a
 * small FTS5 table with the library table's own columns and tokenizer. On the library's table each row would be a
 * full-text query of its own, whose cost grows with the library for common words; on the copy, one query over a
 * page of rows costs the same whatever the library's size.
 *
 * The copy lives in a private in-memory database, not in the library connection's temp schema: writes there would
 * count as changes of the library connection, and its caches (term counts, row lengths) would be dropped at every
 * search. It is emptied on every call (no await in between). Its FTS5 table keeps its text in a plain table beside
 * it (external content), so that emptying it is one 'delete-all' rather than tokenizing every row again to remove
 * it; and only the columns asked for are copied (the others, the concept tokens above all, are left empty: FTS5
 * marks each column from its own text alone).
 */
import Database, { type Statement } from 'better-sqlite3';
import { SEARCH_COLUMNS } from '../storage/postgres/search-terms.js';
import type { SqliteDatabase } from '../storage/sqlite/database.js';
import type { SearchIndex } from './search-index.js';
import { preparedIn } from './statements.js';

export interface MarkedRow {
  /** Each requested column with the matched words between « and ». */
  highlighted: string[];
  /** Each requested column's best passage (16 tokens), marked the same way. */
  snippets: string[];
}

export interface HighlightCopy {
  db: SqliteDatabase;
  columns: string[];
  /** Its statements, prepared once: preparing them cost as much as running them on a page of rows. */
  statements: Map<string, Statement>;
}

/**
 * Highlights and snippets of `columns` for the rows `ids` against `expression` (rows that do not match in one of
 * `columns` are absent).
 */
export function markMatches(
  index: SearchIndex,
  expression: string,
  ids: readonly number[],
  columns: readonly string[],
): Map<number, MarkedRow> {
  if (ids.length === 0) return new Map();
  const copy = copyOf(index);
  const shown = copy.columns.map((column) => (columns.includes(column) ? column : 'NULL'));
  const rows = index.postgres
    ? index.postgres
        .rows(ids, copy.columns)
        .map((row) => row.map((value, at) => (at === 0 || shown[at - 1] !== 'NULL' ? value : null)))
    : (index
        .prepared(
          `SELECT rowid, ${shown.join(', ')} FROM search_index WHERE rowid IN (${ids.map(() => '?').join(',')})`,
        )
        .raw()
        .all(...ids) as unknown[][]);
  const prepared = (sql: string) => preparedIn(copy.statements, copy.db, sql);
  const insert = prepared(
    `INSERT INTO shown_text (id, ${copy.columns.join(', ')}) VALUES (?${', ?'.repeat(copy.columns.length)})`,
  );
  const indexText = prepared(
    `INSERT INTO shown_rows (rowid, ${copy.columns.join(', ')}) SELECT id, ${copy.columns.join(', ')} FROM shown_text`,
  );
  const emptyIndex = prepared("INSERT INTO shown_rows (shown_rows) VALUES ('delete-all')");
  const emptyText = prepared('DELETE FROM shown_text');
  copy.db.transaction(() => {
    emptyIndex.run();
    emptyText.run();
    for (const row of rows) insert.run(...row);
    indexText.run();
  })();
  const indexes = columns.map((column) => copy.columns.indexOf(column));
  const marked = prepared(
    `SELECT rowid, ${indexes.map((index) => `highlight(shown_rows, ${index}, '«', '»')`).join(', ')},
            ${indexes.map((index) => `snippet(shown_rows, ${index}, '«', '»', '…', 16)`).join(', ')}
     FROM shown_rows WHERE shown_rows MATCH ?`,
  )
    .raw()
    .all(expression) as [number, ...string[]][];
  return new Map(
    marked.map(([id, ...texts]) => [
      id,
      { highlighted: texts.slice(0, columns.length), snippets: texts.slice(columns.length) },
    ]),
  );
}

/** The index's private copy table, made once from the library table's own definition; closed with the index. */
function copyOf(index: SearchIndex): HighlightCopy {
  if (index.caches.highlights) return index.caches.highlights;
  if (index.postgres) return (index.caches.highlights = newCopy([...SEARCH_COLUMNS], FTS5_TOKENIZER));
  const store = index.sqlite;
  const columns = store.db.prepare("SELECT name FROM pragma_table_info('search_index')").pluck().all() as string[];
  const definition = store.db
    .prepare("SELECT sql FROM sqlite_master WHERE name = 'search_index'")
    .pluck()
    .get() as string;
  // The same tokenizer, so the copy finds exactly the words the library's table found.
  const tokenizer = /tokenize\s*=\s*('(?:[^']|'')*')/i.exec(definition)?.[1];
  index.caches.highlights = newCopy(columns, tokenizer);
  return index.caches.highlights;
}

/** PostgreSQL's rows are tokenized by Glimpse as FTS5 would (storage/postgres/search-terms.ts): the copy uses FTS5's. */
const FTS5_TOKENIZER = "'porter unicode61 remove_diacritics 2'";

function newCopy(columns: string[], tokenizer: string | undefined): HighlightCopy {
  const db = new Database(':memory:');
  db.exec(`CREATE TABLE shown_text (id INTEGER PRIMARY KEY, ${columns.join(', ')})`);
  db.exec(
    `CREATE VIRTUAL TABLE shown_rows USING fts5(${columns.join(', ')}, content = 'shown_text', content_rowid = 'id'${tokenizer ? `, tokenize = ${tokenizer}` : ''})`,
  );
  return { db, columns, statements: new Map() };
}
