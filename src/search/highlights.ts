/**
 * Explaining results: FTS5's highlight() and snippet() for the rows being shown, run over a copy of those rows in a
 * small temporary FTS5 table with the library table's own columns and tokenizer. On the library's table each row
 * would be a full-text query of its own — about half a millisecond per row for common words in a million-image
 * library, ten milliseconds for a page of results; on the copy, one query over a page of rows takes a fraction of
 * one. The temporary table belongs to the connection and is emptied on every call (no await in between).
 */
import type { Store } from '../storage/store.js';

export interface MarkedRow {
  /** Each requested column with the matched words between « and ». */
  highlighted: string[];
  /** Each requested column's best passage (16 tokens), marked the same way. */
  snippets: string[];
}

const COPY = 'temp.shown_rows';
const prepared = new WeakMap<Store, string[]>();

/** Highlights and snippets of `columns` for the rows `ids` against `expression` (rows that do not match are absent). */
export function markMatches(store: Store, expression: string, ids: readonly number[], columns: readonly string[]): Map<number, MarkedRow> {
  if (ids.length === 0) return new Map();
  const allColumns = copyTable(store);
  store.db.exec(`DELETE FROM ${COPY}`);
  store.db
    .prepare(`INSERT INTO ${COPY} (rowid, ${allColumns.join(', ')}) SELECT rowid, ${allColumns.join(', ')} FROM main.search_index WHERE rowid IN (${ids.map(() => '?').join(',')})`)
    .run(...ids);
  const indexes = columns.map((column) => allColumns.indexOf(column));
  const rows = store.db
    .prepare(
      `SELECT rowid, ${indexes.map((index) => `highlight(shown_rows, ${index}, '«', '»')`).join(', ')},
              ${indexes.map((index) => `snippet(shown_rows, ${index}, '«', '»', '…', 16)`).join(', ')}
       FROM ${COPY} WHERE shown_rows MATCH ?`,
    )
    .raw()
    .all(expression) as [number, ...string[]][];
  return new Map(
    rows.map(([id, ...marked]) => [id, { highlighted: marked.slice(0, columns.length), snippets: marked.slice(columns.length) }]),
  );
}

/** Create the connection's temporary copy table once, from the library table's own definition. */
function copyTable(store: Store): string[] {
  let columns = prepared.get(store);
  if (columns) return columns;
  columns = (store.db.prepare("SELECT name FROM pragma_table_info('search_index')").pluck().all() as string[]);
  const definition = store.db.prepare("SELECT sql FROM main.sqlite_master WHERE name = 'search_index'").pluck().get() as string;
  // The same tokenizer, so the copy finds exactly the words the library's table found.
  const tokenizer = /tokenize\s*=\s*('(?:[^']|'')*')/i.exec(definition)?.[1];
  store.db.exec(`CREATE VIRTUAL TABLE IF NOT EXISTS ${COPY} USING fts5(${columns.join(', ')}${tokenizer ? `, tokenize = ${tokenizer}` : ''})`);
  prepared.set(store, columns);
  return columns;
}
