/**
 * How many images hold each term of the full-text index. FTS5 keeps no such count: its vocabulary table
 * (search_terms) reads a term's whole row list to count it — milliseconds for a common term in a large library.
 * Counts are therefore kept per connection: exact ones until the library changes at all (PRAGMA data_version for
 * other connections' commits, total_changes() for this one's), approximate ones until it has grown or shrunk by
 * more than 2%.
 */
import type { Store } from '../storage/store.js';

interface Counts {
  stamp: string;
  documents: Map<string, number>;
}

const countsByStore = new WeakMap<Store, Counts>();

/** Documents holding each term (0 for terms no document has), as FTS5 stores terms (porter stems, concept tokens). */
export function documentFrequencies(store: Store, terms: readonly string[]): Map<string, number> {
  const stamp = `${store.db.pragma('data_version', { simple: true })}:${store.db.prepare('SELECT total_changes()').pluck().get()}`;
  let counts = countsByStore.get(store);
  if (!counts || counts.stamp !== stamp) countsByStore.set(store, (counts = { stamp, documents: new Map() }));
  const known = counts.documents;
  const missing = [...new Set(terms.filter((term) => !known.has(term)))];
  for (let start = 0; start < missing.length; start += 500) {
    const batch = missing.slice(start, start + 500);
    const rows = store.db
      .prepare(`SELECT term, doc FROM search_terms WHERE term IN (${batch.map(() => '?').join(',')})`)
      .all(...batch) as { term: string; doc: number }[];
    for (const term of batch) known.set(term, 0);
    for (const row of rows) known.set(row.term, row.doc);
  }
  return new Map(terms.map((term) => [term, known.get(term) ?? 0]));
}

/** The library's size when the approximate counts were taken, and the counts. */
const approximateByStore = new WeakMap<Store, { images: number; documents: Map<string, number> }>();

/**
 * Counts that may be up to 2% of the library out of date, for weighting words by rarity (the reranker's idf):
 * searching while indexing would otherwise recount hundreds of terms per query. `images`: the library's size now.
 */
export function approximateDocumentFrequencies(store: Store, terms: readonly string[], images: number): Map<string, number> {
  let approximate = approximateByStore.get(store);
  if (!approximate || Math.abs(approximate.images - images) > approximate.images * 0.02) {
    approximateByStore.set(store, (approximate = { images, documents: new Map() }));
  }
  const known = approximate.documents;
  const missing = [...new Set(terms.filter((term) => !known.has(term)))];
  if (missing.length > 0) for (const [term, documents] of documentFrequencies(store, missing)) known.set(term, documents);
  return new Map(terms.map((term) => [term, known.get(term) ?? 0]));
}
