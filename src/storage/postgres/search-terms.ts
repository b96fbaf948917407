/**
 * Terms for full-text search on PostgreSQL, made the way SQLite's FTS5 table makes them
 * (`porter unicode61 remove_diacritics 2`): runs of letters and digits, lower-cased, accents removed, Porter-stemmed.
 * PostgreSQL's own `english` configuration stems with Snowball and drops stop words, so a library would rank
 * differently on the two engines; Glimpse makes the terms itself and hands PostgreSQL a ready `tsvector`.
 *
 * Each image's row keeps (see migrations.ts):
 * - `document`: the tsvector the GIN index finds candidates in, each column with a weight label (caption and tags A,
 *   detailed B, text in the image and path C, concepts D) and positions (so quoted phrases match), the columns
 *   GAP positions apart;
 * - `terms`: the stems of each column, tab between columns, so the candidates' bm25 is computed exactly as FTS5
 *   computes it (search/postgres-full-text.ts);
 * - `length`: the number of terms, FTS5's document length;
 * - `weights`: each term's hits summed over the columns with bm25's column weights (COLUMN_WEIGHTS), so that
 *   PostgreSQL computes a candidate's bm25 from one jsonb lookup per query term.
 */
import { stemmer } from 'stemmer';
import type { SearchDocument } from '../store.js';

/** The columns, in FTS5's order, and each one's weight label in the tsvector. */
export const SEARCH_COLUMNS = ['caption', 'tags', 'detailed', 'text', 'concepts', 'path'] as const;
const LABELS = ['A', 'A', 'B', 'C', 'D', 'C'];
/** bm25's column weights: the same as SQLite's (search/full-text.ts COLUMN_WEIGHTS; a test checks they agree). */
export const COLUMN_WEIGHTS = [10, 6, 3, 1.5, 1, 2] as const;
const GAP = 64;
/** PostgreSQL's limits: positions up to 16383, 255 positions per lexeme kept here, lexemes under 2 KB. */
const MAX_POSITION = 16383;
const MAX_POSITIONS = 255;
const MAX_TERM = 200;

const TOKEN = /[\p{L}\p{N}\p{Co}]+/gu;
const stems = new Map<string, string>();

/** The terms of a text, as FTS5's porter unicode61 tokenizer makes them. */
export function searchTerms(text: string): string[] {
  const words =
    text
      .normalize('NFD')
      .replace(/\p{M}+/gu, '')
      .toLowerCase()
      .match(TOKEN) ?? [];
  return words.map(stem);
}

export function stem(word: string): string {
  let found = stems.get(word);
  if (found === undefined) {
    found = (/^[a-z]+$/.test(word) ? stemmer(word) : word).slice(0, MAX_TERM);
    if (stems.size > 100_000) stems.clear();
    stems.set(word, found);
  }
  return found;
}

export interface DocumentTerms {
  /** Stems per column, space-separated, columns separated by a tab. */
  terms: string;
  length: number;
  /** tsvector input text. */
  vector: string;
  /** JSON object: term → column-weighted hits. */
  weights: string;
}

export function documentTerms(document: SearchDocument): DocumentTerms {
  const columns = SEARCH_COLUMNS.map((column) => searchTerms(document[column] ?? ''));
  const positions = new Map<string, string[]>();
  const weights = new Map<string, number>();
  let position = 1;
  columns.forEach((terms, column) => {
    for (const term of terms) {
      let list = positions.get(term);
      if (!list) positions.set(term, (list = []));
      if (list.length < MAX_POSITIONS) list.push(`${Math.min(position, MAX_POSITION)}${LABELS[column]}`);
      weights.set(term, (weights.get(term) ?? 0) + COLUMN_WEIGHTS[column]);
      position++;
    }
    position += GAP;
  });
  const vector = [...positions].map(([term, list]) => `${tsLiteral(term)}:${list.join(',')}`).join(' ');
  return {
    terms: columns.map((terms) => terms.join(' ')).join('\t'),
    length: columns.reduce((total, terms) => total + terms.length, 0),
    vector,
    weights: JSON.stringify(Object.fromEntries(weights)),
  };
}

/** A lexeme quoted for tsvector and tsquery input. */
export function tsLiteral(term: string): string {
  return `'${term.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;
}

/** tsquery text for a phrase of words (stemmed here): 'red' <-> 'car'; null when it has no terms. */
export function phraseQuery(words: readonly string[]): string | null {
  const terms = words.flatMap((word) => searchTerms(word));
  if (terms.length === 0) return null;
  return terms.length === 1 ? tsLiteral(terms[0]) : `(${terms.map(tsLiteral).join(' <-> ')})`;
}
