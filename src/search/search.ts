/**
 * Search, readable in one sitting:
 *
 * 1. Full text: FTS5 bm25 over caption, tags, detailed description, text in the image and file name, weighted so a
 *    word in the caption or tags counts more than one in the OCR text or path.
 * 2. Concepts: the same query turned into WordNet concepts (see concepts.ts) and matched against each image's
 *    concepts; added at a lower weight, so "puppy" finds dogs but exact matches stay on top.
 * 3. Vectors (only when an embedder is configured and the store has its vectors): nearest images to the query's
 *    embedding, by caption text and, for CLIP-like models, by image.
 * 4. Fusion: the full-text+concept list and each vector list are merged by reciprocal rank fusion.
 *
 * Filters (dates, tags, has text, folder) are applied inside each ranker's SQL so they never cut results short.
 */
import type { Embedder } from '../providers/spec.js';
import type { ImageRecord, Store, StoredDescription, UserEdits } from '../storage/store.js';
import type { SearchOptions, SearchResponse, SearchResult } from '../types.js';
import { documentWordConcepts, namesVisibleThing, queryWordConcepts } from './concepts.js';
import { rankFullText } from './full-text.js';
import { type MarkedRow, markMatches } from './highlights.js';
import {
  cleanQuery,
  parseQuery,
  quote,
  STOP_WORDS,
  toFtsExpression,
  tokenize,
  toWeightedExpression,
  withoutExclusions,
} from './query.js';
import { newWordRows, queryCoverage, rerank, rowSentences } from './rerank.js';
import type { SearchIndex } from './search-index.js';
import { checkSpelling, correctedText } from './spelling.js';
import { documentFrequencies } from './term-frequencies.js';

/** Readable columns of the full-text table, in the order a snippet is taken from them. */
const SHOWN_COLUMNS = ['caption', 'detailed', 'text', 'tags', 'path'];
/** Query words naming visible things count VISIBLE_WEIGHT times, others OTHER_WEIGHT times (integers: repeats). */
const VISIBLE_WEIGHT = 3;
const OTHER_WEIGHT = 2;
/** Reciprocal rank fusion constant (the usual 60). */
const RRF_K = 60;

/**
 * The relevance floor: a result whose caption and tags hold less than this share of the query (idf-weighted,
 * WordNet relatives in part: see queryCoverage in rerank.ts) is a weaker match, listed after every other result and
 * marked so (the CLI and web app put it under "weaker matches"). Chosen with `glimpse eval search`: from 0.5 to 0.9,
 * recall did not move and precision rose; 0.8 keeps most single-word results (figures in src/eval/README.md). Settable for measurements; 0 turns it off.
 */
export const RELEVANCE_FLOOR = { coverage: 0.8 };
/**
 * Per-phase timing of a query, for the bench's profile (src/bench/search-latency.ts): null (the default) records
 * nothing. Phases: spelling, concepts, fullText, texts, rerank, coverage, highlights, describe.
 */
export const SEARCH_PHASES: { record: ((phase: string, ms: number) => void) | null } = { record: null };
let phaseStarted = 0;
/** Ends the phase running since the last call (or since `begin`), when a profile is being taken. */
function phase(name: string | null): void {
  const record = SEARCH_PHASES.record;
  if (!record) return;
  const now = performance.now();
  if (name) record(name, now - phaseStarted);
  phaseStarted = now;
}

/** A result among the first this many of a vector ranking is never a weaker match (vectors see what text does not). */
const VECTOR_TRUSTED = 10;

interface Candidate {
  id: number;
  textScore: number;
  fullTextRank: number | null;
  vectorRank: number | null;
  vectorSimilarity: number | null;
  /** Share of the query its caption and tags hold (null: not judged, e.g. no words to cover). */
  coverage: number | null;
  weaker: boolean;
  score: number;
}

/** The library's text is English; a query with no word it or WordNet knows is most likely in another language. */
export const NOT_ENGLISH_NOTICE =
  "The library's captions and tags are in English, and no word of the query is English or a word the library has: try the words in English.";

export async function searchImages(
  index: SearchIndex,
  typed: string,
  options: SearchOptions,
  embedder: Embedder | null,
): Promise<SearchResponse> {
  const started = performance.now();
  phase(null);
  const words = parseQuery(cleanQuery(typed)).words;
  // Words the library has nothing for and WordNet does not know: corrected against the library's own words.
  const spelling = options.exact ? null : checkSpelling(index, words);
  const corrected = spelling ? correctedText(cleanQuery(typed), spelling.corrections) : null;
  phase('spelling');
  const asTyped = () => searchAsTyped(index, corrected ?? typed, options, embedder);
  const response = await (index.postgres ? index.postgres.during(asTyped) : asTyped());
  if (corrected) {
    response.query = cleanQuery(typed);
    response.correctedQuery = corrected;
  }
  if (response.results.length === 0 && !corrected) {
    // Two-letter words say little about the language ("en", "la" are WordNet nouns): judged by the longer ones.
    const longer = words.filter((word) => word.length > 2);
    const judged = longer.length > 0 ? longer : words;
    // Words with a near library word are typos (searched as typed with `exact`), not another language.
    const { unknown, corrections } = checkSpelling(index, judged);
    if (judged.length > 0 && corrections.size === 0 && judged.every((word) => unknown.includes(word)))
      response.notice = NOT_ENGLISH_NOTICE;
  }
  response.ms = Math.round((performance.now() - started) * 10) / 10;
  return response;
}

async function searchAsTyped(
  index: SearchIndex,
  typed: string,
  options: SearchOptions,
  embedder: Embedder | null,
): Promise<SearchResponse> {
  const text = cleanQuery(typed);
  const started = performance.now();
  const limit = Math.max(1, Math.min(options.limit ?? 20, 1000));
  const offset = Math.max(0, Math.floor(options.offset ?? 0));
  const query = parseQuery(text);
  const filter = filterSql(options, index.postgres ? 'postgres' : 'sqlite');
  // Candidates for every page up to the one asked for: page 3 is the same list as page 1, further on.
  const pool = Math.max((offset + limit) * 4, 50);

  const candidates = new Map<number, Candidate>();
  const candidate = (id: number): Candidate => {
    let found = candidates.get(id);
    if (!found) {
      found = {
        id,
        textScore: 0,
        fullTextRank: null,
        vectorRank: null,
        vectorSimilarity: null,
        coverage: null,
        weaker: false,
        score: 0,
      };
      candidates.set(id, found);
    }
    return found;
  };

  // Words and their WordNet concepts in one FTS5 query: concept tokens only ever occur in the concepts column,
  // so its bm25 weight is what a concept match is worth next to an exact word.
  const concepts = query.words.map(queryWordConcepts).filter((concept) => concept.tokens.length > 0);
  const conceptTokens = selectiveTerms(index, [...new Set(concepts.flatMap((concept) => concept.tokens))]);
  const expression = toWeightedExpression(query, conceptTokens, (word) =>
    namesVisibleThing(word) ? VISIBLE_WEIGHT : OTHER_WEIGHT,
  );
  phase('concepts');
  const wantsVectors = embedder !== null && text.trim() !== '';
  // With vectors to find too, a large library's full-text ranking runs on worker threads while this thread scans the
  // vectors; the lists are merged below in the same order either way.
  const fullText = !expression
    ? null
    : index.postgres
      ? Promise.resolve(index.postgres.rank(expression, filter, pool))
      : rankFullText(index, expression, filter, pool, { background: wantsVectors });
  // Its error, if any, is thrown where it is awaited below; until then it must not count as unhandled.
  fullText?.catch(() => undefined);
  const vectorLists = wantsVectors ? await vectorSearch(index, embedder, text, pool, filter) : [];
  if (fullText) {
    // bm25 finds the candidates; the best of them are reranked as sentences (number, colour, coverage both ways).
    const ranked = await fullText;
    phase('fullText');
    // The same rows are reranked and judged for coverage: their readings are read once for both.
    const texts = rowSentences(
      index,
      ranked.map((row) => row.id),
    );
    phase('texts');
    // Rerank and coverage compare the same sentence with the same rows' words: each word's rows are worked out once.
    const sentence = withoutExclusions(text);
    const wordRows = newWordRows();
    const rows = rerank(index, sentence, ranked, texts.reranked, wordRows);
    phase('rerank');
    const coverage =
      RELEVANCE_FLOOR.coverage > 0
        ? queryCoverage(
            index,
            sentence,
            rows.map((row) => row.id),
            texts.covered,
            wordRows,
          )
        : null;
    phase('coverage');
    for (const row of rows) {
      const entry = candidate(row.id);
      entry.textScore = row.score;
      entry.coverage = coverage?.get(row.id) ?? null;
    }
    [...candidates.values()]
      .sort((a, b) => b.textScore - a.textScore)
      .forEach((entry, index) => (entry.fullTextRank = index + 1));
  } else if (query.excluded.length === 0) {
    // No words to match: list what the filters allow, newest first (the library view of the web app).
    const rows = index.postgres
      ? index.postgres.newest(filter, offset + limit).map((id) => ({ id }))
      : (index.sqlite.db
          .prepare(`SELECT i.id FROM images i ${filter.join} WHERE 1 ${filter.where} ORDER BY ${NEWEST_FIRST} LIMIT ?`)
          .all(...filter.parameters, offset + limit) as { id: number }[]);
    rows.forEach((row, index) =>
      Object.assign(candidate(row.id), { fullTextRank: index + 1, textScore: 1 / (index + 1) }),
    );
  }

  for (const list of vectorLists) {
    list.forEach((hit, index) => {
      const entry = candidate(hit.id);
      if (entry.vectorRank === null || index + 1 < entry.vectorRank) entry.vectorRank = index + 1;
      entry.vectorSimilarity = Math.max(entry.vectorSimilarity ?? -1, 1 - hit.distance);
    });
  }

  // Excluded words rule out an image however it was found (concepts and vectors know nothing of "-garage").
  if (query.excluded.length > 0) {
    const excluded = index.postgres
      ? index.postgres.holding(query.excluded).map((id) => ({ id }))
      : (index.sqlite.db
          .prepare('SELECT rowid AS id FROM search_index WHERE search_index MATCH ?')
          .all(query.excluded.map(quote).join(' OR ')) as { id: number }[]);
    for (const { id } of excluded) candidates.delete(id);
  }

  const fused = [...candidates.values()];
  if (vectorLists.length > 0) {
    for (const entry of fused) {
      entry.score = entry.fullTextRank ? 1 / (RRF_K + entry.fullTextRank) : 0;
      for (const list of vectorLists) {
        const position = list.findIndex((hit) => hit.id === entry.id);
        if (position >= 0) entry.score += 1 / (RRF_K + position + 1);
      }
    }
  } else {
    for (const entry of fused) entry.score = entry.textScore;
  }
  markWeaker(fused);
  // Weaker matches after all others, each group best first.
  fused.sort((a, b) => Number(a.weaker) - Number(b.weaker) || b.score - a.score || a.id - b.id);

  phase('fuse');
  const plainWords = toFtsExpression(query);
  const shown = fused.slice(offset, offset + limit);
  // Which columns hold the query words, and a snippet: FTS5 highlight with the plain words only (the weighted,
  // concept-expanded ranking query would cost ten times as much), for the whole page at once.
  const marks = plainWords
    ? markMatches(
        index,
        plainWords,
        shown.filter((entry) => entry.fullTextRank !== null).map((entry) => entry.id),
        SHOWN_COLUMNS,
      )
    : new Map();
  phase('highlights');
  const selective = new Set(conceptTokens);
  const queryConcepts = concepts.map((concept) => ({
    word: concept.word,
    tokens: new Set(concept.tokens.filter((token) => selective.has(token))),
  }));
  // The page's rows in one statement (PostgreSQL: one round trip) rather than three lookups per result.
  const details = pageDetails(
    index,
    shown.map((entry) => entry.id),
  );
  const results = shown.map((entry) =>
    describeResult(index, entry, marks.get(entry.id), queryConcepts, details.get(entry.id)),
  );
  phase('describe');
  return { query: text, results, ms: Math.round((performance.now() - started) * 10) / 10 };
}

async function vectorSearch(
  index: SearchIndex,
  embedder: Embedder,
  text: string,
  pool: number,
  filter: ReturnType<typeof filterSql>,
) {
  const spaces = index.store
    .embeddingSpaces()
    .filter((space) => space.model === embedder.modelId && space.dimensions === embedder.dimensions);
  if (spaces.length === 0) return [];
  const store = index.store;
  const [vector] = await embedder.embedTexts([text], 'query');
  const lists: { id: number; distance: number }[][] = [];
  for (const space of spaces) {
    // sqlite-vec finds the k nearest first; filters apply after, so ask for more when filtering.
    const hits = store.nearest(space.id, vector, filter.where ? pool * 4 : pool);
    const allowed = filter.where
      ? allowedIds(
          index,
          hits.map((hit) => hit.imageId),
          filter,
        )
      : null;
    lists.push(
      hits
        .filter((hit) => !allowed || allowed.has(hit.imageId))
        .slice(0, pool)
        .map((hit) => ({ id: hit.imageId, distance: hit.distance })),
    );
  }
  return lists;
}

function allowedIds(index: SearchIndex, ids: number[], filter: ReturnType<typeof filterSql>): Set<number> {
  if (ids.length === 0) return new Set();
  if (index.postgres) return index.postgres.allowed(ids, filter);
  const rows = index.sqlite.db
    .prepare(`SELECT i.id FROM images i ${filter.join} WHERE i.id IN (${ids.map(() => '?').join(',')}) ${filter.where}`)
    .all(...ids, ...filter.parameters) as { id: number }[];
  return new Set(rows.map((row) => row.id));
}

/**
 * Concept tokens that occur in more than this share of the library rank almost nothing (bm25's idf is near zero for
 * them) but make FTS5 score most rows: "person" would otherwise match every man, woman and child.
 */
const MAX_CONCEPT_SHARE = 0.01;

function selectiveTerms(index: SearchIndex, tokens: string[]): string[] {
  if (tokens.length === 0) return tokens;
  // max(rowid) is an O(log n) stand-in for the number of images (ids are not reused).
  const images = index.postgres
    ? index.postgres.imageCount()
    : ((index.prepared('SELECT max(rowid) FROM images').pluck().get() as number | null) ?? 0);
  const limit = Math.max(500, images * MAX_CONCEPT_SHARE);
  const frequencies = documentFrequencies(index, tokens, Math.floor(limit));
  // Tokens no image has are dropped too: they cannot match.
  return tokens.filter((token) => frequencies.get(token)! > 0 && frequencies.get(token)! <= limit);
}

function markWeaker(entries: Candidate[]): void {
  const floor = RELEVANCE_FLOOR.coverage;
  for (const entry of entries) {
    entry.weaker =
      entry.coverage !== null &&
      entry.coverage < floor &&
      (entry.vectorRank === null || entry.vectorRank > VECTOR_TRUSTED);
  }
}

/** Newest first: the date taken (EXIF), else the file's modification time, else when it was indexed. */
const NEWEST_FIRST =
  '(coalesce(julianday(i.taken_at), i.mtime_ms / 86400000.0 + 2440587.5, julianday(i.added_at))) DESC, i.id DESC';

export type Filter = ReturnType<typeof filterSql>;

/** The filters as SQL for either engine: SQLite's JSON functions or PostgreSQL's. */
function filterSql(options: SearchOptions, dialect: 'sqlite' | 'postgres') {
  const where: string[] = [];
  const parameters: unknown[] = [];
  let join = '';
  const needsDescription = options.hasText || (options.tags?.length ?? 0) > 0;
  if (needsDescription) {
    join = 'LEFT JOIN descriptions d ON d.sha256 = i.sha256 LEFT JOIN user_edits u ON u.sha256 = i.sha256';
  }
  // Date taken when the camera recorded it, else when the file was added to the index.
  if (options.after) {
    where.push('coalesce(i.taken_at, i.added_at) >= ?');
    parameters.push(options.after);
  }
  if (options.before) {
    where.push('coalesce(i.taken_at, i.added_at) < ?');
    parameters.push(endOfDay(options.before));
  }
  for (const tag of options.tags ?? []) {
    if (dialect === 'postgres')
      where.push(
        `(EXISTS (SELECT 1 FROM jsonb_array_elements_text(coalesce(u.tags, '[]')::jsonb) AS t(value) WHERE lower(value) = lower(?))
          OR EXISTS (SELECT 1 FROM jsonb_array_elements_text(coalesce(d.tags, '[]')::jsonb) AS t(value) WHERE lower(value) = lower(?))
          OR EXISTS (SELECT 1 FROM jsonb_array_elements(coalesce(d.objects, '[]')::jsonb) AS o(value) WHERE lower(value->>'label') = lower(?)))`,
      );
    else
      where.push(
        `(EXISTS (SELECT 1 FROM json_each(coalesce(u.tags, '[]')) WHERE lower(value) = lower(?))
        OR EXISTS (SELECT 1 FROM json_each(d.tags) WHERE lower(value) = lower(?))
        OR EXISTS (SELECT 1 FROM json_each(d.objects) WHERE lower(json_extract(value, '$.label')) = lower(?)))`,
      );
    parameters.push(tag, tag, tag);
  }
  if (options.hasText) where.push("trim(coalesce(d.text, '')) <> ''");
  if (options.folder) {
    where.push("(i.folder = ? OR i.folder LIKE ? ESCAPE '\\')");
    const folder = options.folder.replace(/\/+$/, '');
    parameters.push(folder, `${folder.replace(/[\\%_]/g, (c) => `\\${c}`)}/%`);
  }
  return { join, where: where.map((clause) => ` AND ${clause}`).join(''), parameters };
}

/** "2024-05-01" as an upper bound means the whole of that day. */
function endOfDay(date: string): string {
  return /^\d{4}-\d{2}-\d{2}$/.test(date) ? `${date}T99` : date;
}

/** What a result shows of its image: its file, and the caption and tags (a person's own, else the generated ones). */
interface ShownImage {
  id: number;
  path: string;
  caption: string | null;
  tags: string[];
}

function shownImage(
  image: Pick<ImageRecord, 'id' | 'path'>,
  description: Pick<StoredDescription, 'caption' | 'tags'> | undefined,
  edits: Pick<UserEdits, 'caption' | 'tags'> | undefined,
): ShownImage {
  return {
    id: image.id,
    path: image.path,
    caption: edits?.caption ?? description?.caption ?? null,
    tags: edits?.tags ?? description?.tags ?? [],
  };
}

/**
 * The shown images of a page, by id. On SQLite one statement reads only the columns shown (the store's lookups read
 * and parse every column, three statements per result); the values are those the store's records would give.
 */
function pageDetails(index: SearchIndex, ids: readonly number[]): Map<number, ShownImage> {
  const found = new Map<number, ShownImage>();
  if (ids.length === 0) return found;
  if (index.postgres) {
    for (const [id, details] of index.postgres.details(ids))
      found.set(id, shownImage(details.image, details.description, details.edits));
    return found;
  }
  const rows = index
    .prepared(
      `SELECT i.id, i.path, d.sha256 IS NOT NULL, d.caption, d.tags, u.sha256 IS NOT NULL, u.caption, u.tags
       FROM images i LEFT JOIN descriptions d ON d.sha256 = i.sha256 LEFT JOIN user_edits u ON u.sha256 = i.sha256
       WHERE i.id IN (${ids.map(() => '?').join(',')})`,
    )
    .raw()
    .all(...ids) as [number, string, number, string | null, string, number, string | null, string | null][];
  for (const [id, path, described, caption, tags, edited, ownCaption, ownTags] of rows) {
    // As rowToDescription and rowToUserEdits read them.
    const description = described ? { caption, tags: JSON.parse(tags) as string[] } : undefined;
    const edits = edited
      ? { caption: ownCaption, tags: ownTags ? (JSON.parse(ownTags) as string[]) : null }
      : undefined;
    found.set(id, shownImage({ id, path }, description, edits));
  }
  return found;
}

/** Explaining a result: which readable columns hold the query words, whether its concepts matched, and a snippet. */
function describeResult(
  index: SearchIndex,
  entry: Candidate,
  marked: MarkedRow | undefined,
  queryConcepts: readonly { word: string; tokens: ReadonlySet<string> }[],
  details: ShownImage | undefined,
): SearchResult {
  const store: Store = index.store;
  let shown = details;
  if (!shown) {
    // Not read with the page (no such image): as the store's lookups would have it.
    const image = store.imageById(entry.id)!;
    shown = shownImage(image, store.description(image.sha256), store.userEdits(image.sha256));
  }
  const image = shown;
  const { caption, tags } = shown;
  const fields: string[] = [];
  const terms = new Set<string>();
  let snippet = '';
  SHOWN_COLUMNS.forEach((column, index) => {
    const words = (marked?.highlighted[index] ?? '').match(/«([^»]*)»/g);
    if (!words) return;
    fields.push(column);
    for (const word of words) terms.add(word.slice(1, -1).toLowerCase());
    snippet ||= marked?.snippets[index] ?? '';
  });
  // Which query word found which of the image's words through WordNet ("puppy→dog"): the relation that matched.
  const related = new Set<string>();
  if (queryConcepts.some((concept) => concept.tokens.size > 0) && entry.fullTextRank !== null) {
    const own = tokenize([caption ?? '', ...tags].join(' ')).filter((word) => !STOP_WORDS.has(word));
    for (const concept of queryConcepts) {
      for (const word of own) {
        if (word === concept.word || terms.has(word)) continue;
        if (documentWordConcepts(word).some((token) => concept.tokens.has(token)))
          related.add(`${concept.word}→${word}`);
      }
    }
    if (related.size > 0) fields.push('concepts');
  }
  if (!snippet) snippet = caption ?? '';
  return {
    id: image.id,
    path: image.path,
    score: Math.round(entry.score * 10000) / 10000,
    caption,
    tags,
    snippet,
    weaker: entry.weaker,
    why: {
      fields,
      terms: [...terms],
      concepts: [...related].slice(0, 4),
      coverage: entry.coverage === null ? null : Math.round(entry.coverage * 100) / 100,
      fullTextRank: entry.fullTextRank,
      vectorRank: entry.vectorRank,
      vectorSimilarity: entry.vectorSimilarity === null ? null : Math.round(entry.vectorSimilarity * 1000) / 1000,
    },
  };
}
