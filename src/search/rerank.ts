/**
 * Reranking the best full-text matches as sentences. bm25 counts how well a document holds the query's words; it
 * cannot see how much of the document the query explains, that "horses" are several and "a horse" one, or that
 * the query's dog is black and the document's brown. Captions of the same picture by different people agree on
 * those things, so the first RERANKING.depth rows are scored again with them:
 *
 * - coverage both ways: the share of the query's words (weighted by idf in this library) that the document has,
 *   counting WordNet relatives as partly the same word (see similarity.ts), and the share of the document's words
 *   the query has;
 * - words left unmatched that one's WordNet definition uses for the other (racket → tennis);
 * - agreement on how many (one, two, several) and on colour for the things both name (see sentence.ts);
 * - the bm25 score itself and its rank.
 *
 * Bounded work per query (RERANKING.depth short texts), no per-query work over the library. The weights were fitted
 * once on half of the COCO oracle queries (images with even ids) and checked on the other half.
 */

import { stemmer } from 'stemmer';
import { firstNounSense, isKindOfSense } from './concepts.js';
import type { RankedRow } from './full-text.js';
import { tokenize } from './query.js';
import type { SearchIndex } from './search-index.js';
import { analyseSentence, decodeDocumentSentences, MANY, type Sentence, type Thing, type Word } from './sentence.js';
import { definitionsRelate, definitionWords, NUMBER, wordSimilarity } from './similarity.js';
import { approximateDocumentFrequencies } from './term-frequencies.js';

/**
 * How many of the best full-text rows are reranked; the rest keep their bm25 order below them. The weights were
 * fitted at 50; 0 turns reranking off (settable for tests and measurements).
 */
export const RERANKING = { depth: 50 };

export const FEATURES = [
  'fullText',
  'logRank',
  'queryCovered',
  'documentCoveredExactly',
  'documentCovered',
  'countAgrees',
  'subjectNumberAgrees',
  'numberAgrees',
  'numberConflicts',
  'colourAgrees',
  'colourConflicts',
  'subjectInDocument',
  'documentLength',
  'queryDefined',
  'documentDefined',
] as const;

export type Features = Record<(typeof FEATURES)[number], number>;

/**
 * Fitted on the even half of the oracle queries (see the module comment): the weights that make the right caption
 * most probable among the 50 (softmax over the candidates, a little L2), rounded.
 */
export const WEIGHTS: Features = {
  fullText: 2.15,
  logRank: -0.35,
  queryCovered: 2.74,
  documentCoveredExactly: -1.14,
  documentCovered: 1.52,
  countAgrees: 0.68,
  subjectNumberAgrees: 0.62,
  numberAgrees: 0.67,
  numberConflicts: -0.87,
  colourAgrees: 0.67,
  colourConflicts: -0.79,
  subjectInDocument: 0.42,
  documentLength: -0.63,
  queryDefined: 1.75,
  documentDefined: 0.61,
};

/** Rows best first, with the reranked ones rescored (their scores stay above the rows not reranked). */
export function rerank(
  index: SearchIndex,
  queryText: string,
  rows: readonly RankedRow[],
  texts?: ReadonlyMap<number, string | Sentence>,
  wordRows?: WordRows,
): RankedRow[] {
  if (rows.length < 2 || RERANKING.depth === 0) return [...rows];
  const head = rows.slice(0, RERANKING.depth);
  const features = rerankFeatures(index, queryText, head, texts, wordRows);
  if (!features) return [...rows];
  const rescored = head.map((row, index) => ({ id: row.id, score: score(features[index]) }));
  rescored.sort((a, b) => b.score - a.score);
  // The rows past the reranked ones stay below them, in bm25 order.
  const floor = rescored[rescored.length - 1].score;
  const tail = rows
    .slice(RERANKING.depth)
    .map((row, index) => ({ id: row.id, score: floor - 1 - index / rows.length }));
  return [...rescored, ...tail];
}

/**
 * How much of the query each row holds: the idf-weighted share of the query's content words its readable text has
 * (caption, tags, description, text in the photo, file name), a kind of the query's word counting fully ("dog" for
 * "animal"), a WordNet synonym 0.8, a direct parent 0.6, a sibling 0.4 (see similarity.ts). "people on a beach"
 * is 0.2 of a caption about a man by a bus, 1 of one about people on a beach. Null when the query has no content
 * words (there is nothing to cover). One short text per row, no work over the library.
 */
export function queryCoverage(
  index: SearchIndex,
  queryText: string,
  ids: readonly number[],
  texts: ReadonlyMap<number, string | Sentence> = documentTexts(index, ids, COVERED_COLUMNS),
  wordRows?: WordRows,
): Map<number, number> | null {
  const query = analyseSentence(queryText);
  if (query.words.length === 0) return null;
  const documents = ids.map((id) => sentenceOf(texts.get(id)));
  // A query's two-word compound ("coffee cup") is also covered by a row that has both words apart ("a cup" in the
  // caption, "coffee" in the file name): the compound alone would count only as a kind of "cup".
  const apartWords = tokenize(queryText).flatMap((token) => analyseSentence(token).words);
  // Coverage weighs the query's words only: the documents' words (a file name's number each) need no count.
  const idf = inverseDocumentFrequencies(index, [...query.words, ...apartWords]);
  const comparison = new QueryComparison(query, idf, wordRows);
  const split =
    apartWords.length > query.words.length ? new QueryComparison({ ...query, words: apartWords }, idf) : null;
  return new Map(
    ids.map((id, position) => [
      id,
      Math.max(comparison.covered(documents[position]), split?.covered(documents[position]) ?? 0),
    ]),
  );
}

/** The features of each full-text row (best first) against the query; null when the query has no content words. */
export function rerankFeatures(
  index: SearchIndex,
  queryText: string,
  rows: readonly RankedRow[],
  texts?: ReadonlyMap<number, string | Sentence>,
  wordRows?: WordRows,
): Features[] | null {
  const query = analyseSentence(queryText);
  if (query.words.length === 0 || rows.length === 0) return null;
  const read =
    texts ??
    documentTexts(
      index,
      rows.map((row) => row.id),
    );
  const documents = rows.map((row) => sentenceOf(read.get(row.id)));
  // The words of the sentences and the things they name (a compound's last word, "dog" of "hot dog", is a thing).
  const words = [query, ...documents].flatMap((sentence) => [
    ...sentence.words,
    ...sentence.things.map((thing) => thing.word),
  ]);
  const comparison = new QueryComparison(query, inverseDocumentFrequencies(index, words), wordRows);
  const best = rows[0].score;
  return rows.map((row, index) => comparison.features(documents[index], best > 0 ? row.score / best : 0, index));
}

export function score(features: Features): number {
  let total = 0;
  for (const name of FEATURES) total += WEIGHTS[name] * features[name];
  return total;
}

/**
 * One query against many documents. Documents share most words, so each document word's similarities to the
 * query's words are worked out once per query.
 */
export class QueryComparison {
  private readonly queryWeights: number[];
  private readonly similarities: Map<number, Float64Array>;
  private readonly covers: Map<number, Float64Array>;
  private readonly relations: Map<number, Uint8Array>;
  private queryDefinitions: ReadonlySet<string>[] | undefined;
  private querySenses: (number | null)[] | undefined;

  /** `rows`: of this query sentence only (see WordRows). */
  constructor(
    private readonly query: Sentence,
    private readonly idf: (word: Word) => number,
    rows: WordRows = newWordRows(),
  ) {
    this.queryWeights = query.words.map(idf);
    ({ similarities: this.similarities, covers: this.covers, relations: this.relations } = rows);
  }

  /** Similarity of a document word to each query word. */
  private row(word: Word): Float64Array {
    let row = this.similarities.get(word.id);
    if (!row) {
      const words = this.query.words;
      row = new Float64Array(words.length);
      for (let index = 0; index < words.length; index++) row[index] = wordSimilarity(words[index], word);
      this.similarities.set(word.id, row);
    }
    return row;
  }

  /** How far a document word covers each query word: 1 for a kind of it, else their similarity. */
  private coverRow(word: Word): Float64Array {
    let row = this.covers.get(word.id);
    if (!row) {
      const similarities = this.row(word);
      const words = this.query.words;
      row = new Float64Array(similarities.length);
      // A kind of what was asked for is what was asked for: a dog is an animal, a man is one of "people".
      // isKindOf for each query word, with the document word's sense looked up once and the query words' once.
      const sense = firstNounSense(word.lemma);
      const targets = (this.querySenses ??= words.map((queryWord) => firstNounSense(queryWord.lemma)));
      for (let index = 0; index < words.length; index++)
        row[index] = isKindOfSense(sense, targets[index]) ? 1 : similarities[index];
      this.covers.set(word.id, row);
    }
    return row;
  }

  /** Whether a document word's WordNet definition and each query word's relate them (1) or not (0). */
  private relateRow(word: Word): Uint8Array {
    let row = this.relations.get(word.id);
    if (!row) {
      const words = this.query.words;
      row = new Uint8Array(words.length);
      // definitionsRelate for each query word, the document word's definitions looked up once.
      const own = definitionWords(word);
      const definitions = (this.queryDefinitions ??= words.map(definitionWords));
      for (let index = 0; index < words.length; index++)
        row[index] = definitionsRelate(words[index], word, definitions[index], own) ? 1 : 0;
      this.relations.set(word.id, row);
    }
    return row;
  }

  /** The idf-weighted share of the query's words the document holds (synonyms and relatives in part). */
  covered(document: Sentence): number {
    const rows = document.words.map((word) => this.coverRow(word));
    let total = 0;
    let found = 0;
    this.queryWeights.forEach((weight, index) => {
      let best = 0;
      for (const row of rows) if (row[index] > best) best = row[index];
      total += weight;
      found += weight * best;
    });
    return total > 0 ? found / total : 0;
  }

  /** The features of one document; `fullText` is its bm25 score over the best one's, `rank` from 0. */
  features(document: Sentence, fullText: number, rank: number): Features {
    const { query, idf } = this;
    // Query words found in the document (best match each), and document words found in the query.
    const best = new Float64Array(query.words.length);
    let documentTotal = 0;
    let documentFound = 0;
    let documentFoundExactly = 0;
    let documentDefined = 0;
    for (const word of document.words) {
      const row = this.row(word);
      let found = 0;
      for (let index = 0; index < row.length; index++) {
        if (row[index] > best[index]) best[index] = row[index];
        if (row[index] > found) found = row[index];
      }
      const weight = idf(word);
      documentTotal += weight;
      documentFound += weight * found;
      if (query.words.some((queryWord) => queryWord.lemma === word.lemma)) documentFoundExactly += weight;
      if (found < 0.5 && this.relateRow(word).includes(1)) documentDefined += weight;
    }
    let queryTotal = 0;
    let queryFound = 0;
    let queryDefined = 0;
    this.queryWeights.forEach((weight, index) => {
      queryTotal += weight;
      queryFound += weight * best[index];
      if (best[index] < 0.5 && document.words.some((word) => this.relateRow(word)[index] === 1)) queryDefined += weight;
    });
    const querySubject = query.things[0];
    const documentSubject = document.things[0];
    const subjectsMatch =
      !!querySubject && !!documentSubject && wordSimilarity(querySubject.word, documentSubject.word) > 0.5;
    let subjectInDocument = 0;
    if (querySubject)
      for (const word of document.words)
        subjectInDocument = Math.max(subjectInDocument, wordSimilarity(querySubject.word, word));
    const share = (part: number, whole: number) => (whole > 0 ? part / whole : 0);
    return {
      fullText,
      logRank: Math.log(rank + 1),
      queryCovered: share(queryFound, queryTotal),
      documentCoveredExactly: share(documentFoundExactly, documentTotal),
      documentCovered: share(documentFound, documentTotal),
      countAgrees: query.count > 0 && query.count === document.count ? 1 : 0,
      subjectNumberAgrees: subjectsMatch && (querySubject.number === 1) === (documentSubject.number === 1) ? 1 : 0,
      ...thingAgreement(query.things, document.things, idf),
      subjectInDocument,
      documentLength: document.words.length / 10,
      queryDefined: share(queryDefined, queryTotal),
      documentDefined: share(documentDefined, documentTotal),
    };
  }
}

/**
 * A query's rows of document words (see QueryComparison), which depend on the query's words alone: rerank and
 * queryCoverage compare one query with the same rows' words, and given the same WordRows work each row out once.
 * Made per query (not kept: rows that outlive a query only make work for the garbage collector).
 */
export interface WordRows {
  similarities: Map<number, Float64Array>;
  covers: Map<number, Float64Array>;
  relations: Map<number, Uint8Array>;
}

export function newWordRows(): WordRows {
  return { similarities: new Map(), covers: new Map(), relations: new Map() };
}

/**
 * For each thing the query names and the document names too (the same word or a close relative): do they agree on
 * how many and on colour? Shares of the query's things, idf-weighted. "Two" against "several" half agrees.
 */
function thingAgreement(query: readonly Thing[], document: readonly Thing[], idf: (word: Word) => number) {
  let numberAgrees = 0;
  let numberConflicts = 0;
  let colourAgrees = 0;
  let colourConflicts = 0;
  let total = 0;
  for (const thing of query) {
    const weight = idf(thing.word);
    total += weight;
    let match: Thing | null = null;
    let best = 0.59;
    for (const other of document) {
      const similarity = wordSimilarity(thing.word, other.word);
      if (similarity > best) [best, match] = [similarity, other];
    }
    if (!match) continue;
    const [a, b] = [thing.number, match.number];
    if (a === b) numberAgrees += weight;
    else if (a === 1 || b === 1) numberConflicts += weight;
    else if (a !== MANY && b !== MANY) numberConflicts += weight / 2;
    else numberAgrees += weight / 2;
    if (thing.colour && match.colour) {
      if (thing.colour === match.colour) colourAgrees += weight;
      else colourConflicts += weight;
    }
  }
  const share = (value: number) => (total > 0 ? value / total : 0);
  return {
    numberAgrees: share(numberAgrees),
    numberConflicts: share(numberConflicts),
    colourAgrees: share(colourAgrees),
    colourConflicts: share(colourConflicts),
  };
}

/** What the reranker reads of a row: its caption and tags. */
const RERANKED_COLUMNS = ['caption', 'tags'];
/** What query coverage reads: every column a person can read (a word found only in the photo's text counts). */
const COVERED_COLUMNS = ['caption', 'tags', 'detailed', 'text', 'path'];

function documentTexts(
  index: SearchIndex,
  ids: readonly number[],
  columns: readonly string[] = RERANKED_COLUMNS,
): Map<number, string> {
  if (index.postgres) return index.postgres.documentTexts(ids, columns);
  return joinedColumns(readableRows(index, ids, columns), columns);
}

/** What the reranker reads of some rows and what query coverage reads of them. */
export interface RowTexts {
  reranked: Map<number, string>;
  covered: Map<number, string>;
}

/** Both texts of each row in one read of the full-text table (rerank and queryCoverage judge the same rows). */
export function rowTexts(index: SearchIndex, ids: readonly number[]): RowTexts {
  if (index.postgres)
    return {
      reranked: documentTexts(index, ids, RERANKED_COLUMNS),
      covered: documentTexts(index, ids, COVERED_COLUMNS),
    };
  const rows = readableRows(index, ids, COVERED_COLUMNS);
  return { reranked: joinedColumns(rows, RERANKED_COLUMNS), covered: joinedColumns(rows, COVERED_COLUMNS) };
}

function readableRows(index: SearchIndex, ids: readonly number[], columns: readonly string[]) {
  return index
    .prepared(
      `SELECT rowid AS id, ${columns.join(', ')} FROM search_index WHERE rowid IN (${ids.map(() => '?').join(',')})`,
    )
    .all(...ids) as Record<string, string | number | null>[];
}

/** Each row's non-empty columns, one a line. */
function joinedColumns(rows: readonly Record<string, string | number | null>[], columns: readonly string[]) {
  return new Map(
    rows.map((row) => [
      row.id as number,
      columns
        .map((column) => row[column])
        .filter(Boolean)
        .join('\n'),
    ]),
  );
}

/** A row's reading: stored (see rowSentences) or analysed from its text. */
const sentenceOf = (text: string | Sentence | undefined): Sentence =>
  typeof text === 'object' ? text : analyseSentence(text ?? '');

/** What the reranker and query coverage read of some rows, as sentences. */
export interface RowSentences {
  reranked: Map<number, Sentence>;
  covered: Map<number, Sentence>;
}

/**
 * Both readings of each row (rerank and queryCoverage judge the same rows): on SQLite, as analysed when the row was
 * written (search_sentences, migration 7: analysing 100 texts was most of what reranking cost); rows without one
 * (PostgreSQL, a library written before it, an analysis of another format) are read and analysed now. The same
 * sentences either way.
 */
export function rowSentences(index: SearchIndex, ids: readonly number[]): RowSentences {
  const reranked = new Map<number, Sentence>();
  const covered = new Map<number, Sentence>();
  let missing: readonly number[] = ids;
  if (!index.postgres && ids.length > 0 && storedSentences(index)) {
    const rows = index
      .prepared(`SELECT id, analysis FROM search_sentences WHERE id IN (${ids.map(() => '?').join(',')})`)
      .raw()
      .all(...ids) as [number, string][];
    for (const [id, analysis] of rows) {
      const decoded = decodeDocumentSentences(analysis);
      if (!decoded) continue;
      reranked.set(id, decoded.reranked);
      covered.set(id, decoded.covered);
    }
    missing = reranked.size === ids.length ? [] : ids.filter((id) => !reranked.has(id));
  }
  if (missing.length > 0) {
    const texts = rowTexts(index, missing);
    for (const id of missing) {
      reranked.set(id, analyseSentence(texts.reranked.get(id) ?? ''));
      covered.set(id, analyseSentence(texts.covered.get(id) ?? ''));
    }
  }
  return { reranked, covered };
}

/** Whether the library has the stored readings (a database opened read-only before migration 7 has not). */
function storedSentences(index: SearchIndex): boolean {
  index.caches.storedSentences ??= !!index.sqlite.db
    .prepare("SELECT 1 FROM sqlite_master WHERE name = 'search_sentences'")
    .get();
  return index.caches.storedSentences;
}

/** The two texts of a search document that rowTexts would read, for analysing when the row is written. */
export function documentSentenceTexts(document: {
  caption: string;
  tags: string;
  detailed: string;
  text: string;
  path: string;
}): { reranked: string; covered: string } {
  const fields = document as unknown as Record<string, string>;
  const joined = (columns: readonly string[]) =>
    columns
      .map((column) => fields[column])
      .filter(Boolean)
      .join('\n');
  return { reranked: joined(RERANKED_COLUMNS), covered: joined(COVERED_COLUMNS) };
}

/**
 * Document frequencies from the full-text index's own term counts, by porter stem as FTS5 stores them; an idf
 * need not be exact, so approximate counts will do (see term-frequencies.ts).
 */
function inverseDocumentFrequencies(index: SearchIndex, words: readonly Word[]): (word: Word) => number {
  const images = index.postgres
    ? index.postgres.imageCount()
    : ((index.prepared('SELECT max(rowid) AS images FROM images').get() as { images: number | null }).images ?? 0);
  const total = Math.max(images, 1);
  // Only `words` are counted: the function is asked about no others. Those with a weight kept need no count.
  const kept = knownWeights?.total === total ? knownWeights : null;
  const stemsOf = (all: boolean) => {
    const used = new Set<string>();
    for (const word of words) if (all || !kept!.weights.has(word.id)) for (const stem of stems(word)) used.add(stem);
    return [...used];
  };
  let known = approximateDocumentFrequencies(index, stemsOf(!kept), images);
  if (kept?.counts !== known) {
    // Other counts (another library, or this one grown): the weights kept are not of them.
    if (kept) known = approximateDocumentFrequencies(index, stemsOf(true), images);
    knownWeights = { counts: known, total, weights: new Map() };
  }
  const { weights } = knownWeights!;
  const counts = known;
  return (word) => {
    let weight = weights.get(word.id);
    if (weight === undefined) {
      // A compound ("tennis court") is as rare as its rarer part.
      let documents = Number.POSITIVE_INFINITY;
      for (const stem of stems(word)) documents = Math.min(documents, counts.get(stem) ?? 0);
      weight = Math.log((total + 1) / (documents + 0.5));
      // A number is a new word at every reading (see NUMBER in similarity.ts): not kept.
      if (!NUMBER.test(word.surface)) {
        if (weights.size >= 200_000) weights.clear();
        weights.set(word.id, weight);
      }
    }
    return weight;
  };
}

/**
 * Words' weights as last worked out, while they come from the same kept counts (approximateDocumentFrequencies keeps
 * one object until the library's size moves by 2%) and the same library size: a query's words were mostly weighed by
 * earlier queries already.
 */
let knownWeights: { counts: ReadonlyMap<string, number>; total: number; weights: Map<number, number> } | null = null;

const stemCache = new Map<string, string[]>();

function stems(word: Word): string[] {
  let found = stemCache.get(word.lemma);
  if (!found) {
    found = word.lemma.split(' ').map((part) => stemmer(part));
    if (stemCache.size > 200_000) stemCache.clear();
    stemCache.set(word.lemma, found);
  }
  return found;
}
