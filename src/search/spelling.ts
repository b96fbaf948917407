/**
 * Spelling correction against the library's own words: "pizzza" → "pizza", "dgo" → "dog".
 *
 * A query word is corrected only when the library has nothing for it — no image matches it in full text (which
 * stems: "giraff" matches "giraffe") — and WordNet does not know it (concept matching handles those: "puppy"). The
 * replacement is the library word nearest by Damerau-Levenshtein distance (at most 1 for words of up to 5 letters, 2
 * for longer ones, as search engines' "auto" fuzziness does), the more frequent one on a tie.
 *
 * The vocabulary (surface words of captions, tags, detailed descriptions and text in images, with the number of
 * images holding each) is built only when a query has an unknown word, and kept while the library is unchanged.
 * A query whose every word is known costs one FTS5 lookup per word that WordNet does not know.
 */
import { hasWordNetSenses } from './concepts.js';
import { quote, STOP_WORDS, tokenize } from './query.js';
import type { SearchIndex } from './search-index.js';
import { connectionStamp } from './term-frequencies.js';

/** The library's words and how many images hold each, as of `stamp`. */
export interface Vocabulary {
  stamp: string;
  words: Map<string, number>;
}

/** What the spelling check found for a query's words. */
export interface SpellingCheck {
  /** Words the library has nothing for and WordNet does not know. */
  unknown: string[];
  /** Replacements for some of them (word → library word). */
  corrections: Map<string, string>;
}

/** Checks each of `words` (lower-case, as parseQuery gives them) and proposes corrections for unknown ones. */
export function checkSpelling(index: SearchIndex, words: readonly string[]): SpellingCheck {
  const unknown = words.filter((word) => !/\d/.test(word) && !hasWordNetSenses(word) && !inLibrary(index, word));
  const corrections = new Map<string, string>();
  if (unknown.length === 0) return { unknown, corrections };
  const vocabulary = libraryVocabulary(index);
  for (const word of unknown) {
    const best = nearestWord(word, vocabulary.words);
    if (best) corrections.set(word, best);
  }
  return { unknown, corrections };
}

/** `typed` with each corrected word replaced (whole words, any case), or null when nothing changes. */
export function correctedText(typed: string, corrections: Map<string, string>): string | null {
  if (corrections.size === 0) return null;
  let text = typed;
  for (const [word, replacement] of corrections) {
    const escaped = word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    text = text.replace(new RegExp(`(?<![\\p{L}\\p{N}])${escaped}(?![\\p{L}\\p{N}])`, 'giu'), replacement);
  }
  return text === typed ? null : text;
}

function inLibrary(index: SearchIndex, word: string): boolean {
  if (index.postgres) return index.postgres.has(word);
  const statement = cachedStatement(index, 'SELECT 1 FROM search_index WHERE search_index MATCH ? LIMIT 1');
  return statement.get(quote(word)) !== undefined;
}

function cachedStatement(index: SearchIndex, sql: string) {
  let statement = index.caches.statements.get(sql);
  if (!statement) index.caches.statements.set(sql, (statement = index.sqlite.db.prepare(sql)));
  return statement;
}

/** Surface words of the library with their image counts; rebuilt only after the library changed. */
export function libraryVocabulary(index: SearchIndex): Vocabulary {
  const stamp = connectionStamp(index);
  const cached = index.caches.vocabulary;
  if (cached && cached.stamp === stamp) return cached;
  const words = new Map<string, number>();
  const rows = index.postgres
    ? index.postgres.readableRows()
    : (index.sqlite.db.prepare('SELECT caption, tags, detailed, text FROM search_index').raw().iterate() as Iterable<
        (string | null)[]
      >);
  for (const columns of rows) {
    const seen = new Set<string>();
    for (const column of columns) {
      if (!column) continue;
      for (const word of tokenize(column)) {
        if (word.length < 2 || /\d/.test(word) || STOP_WORDS.has(word)) continue;
        seen.add(word);
      }
    }
    for (const word of seen) words.set(word, (words.get(word) ?? 0) + 1);
  }
  const vocabulary = { stamp, words };
  index.caches.vocabulary = vocabulary;
  return vocabulary;
}

/** Largest edit distance allowed for a word of this length. */
function allowedDistance(word: string): number {
  if (word.length <= 2) return 0;
  return word.length <= 5 ? 1 : 2;
}

/** The nearest word of `words` within the allowed distance: smallest distance, then most images, then a-z. */
export function nearestWord(word: string, words: Map<string, number>): string | null {
  const allowed = allowedDistance(word);
  if (allowed === 0) return null;
  let best: { word: string; distance: number; count: number } | null = null;
  for (const [candidate, count] of words) {
    if (Math.abs(candidate.length - word.length) > allowed) continue;
    if (candidate === word) return null;
    const distance = damerauLevenshtein(word, candidate, allowed);
    if (distance > allowed) continue;
    if (
      !best ||
      distance < best.distance ||
      (distance === best.distance && (count > best.count || (count === best.count && candidate < best.word)))
    )
      best = { word: candidate, distance, count };
  }
  return best?.word ?? null;
}

/**
 * Optimal string alignment distance (Damerau-Levenshtein with adjacent transpositions, each substring edited once).
 * Returns `limit + 1` as soon as the distance is known to exceed `limit`.
 */
export function damerauLevenshtein(a: string, b: string, limit = Number.POSITIVE_INFINITY): number {
  const rows = a.length + 1;
  const columns = b.length + 1;
  let beforePrevious = new Array<number>(columns).fill(0);
  let previous = Array.from({ length: columns }, (_, j) => j);
  let current = new Array<number>(columns).fill(0);
  for (let i = 1; i < rows; i++) {
    current[0] = i;
    let rowMinimum = current[0];
    for (let j = 1; j < columns; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let value = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        value = Math.min(value, beforePrevious[j - 2] + 1);
      current[j] = value;
      if (value < rowMinimum) rowMinimum = value;
    }
    if (rowMinimum > limit) return limit + 1;
    [beforePrevious, previous, current] = [previous, current, beforePrevious];
  }
  return previous[columns - 1];
}
