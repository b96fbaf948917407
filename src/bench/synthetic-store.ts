/**
 * Synthetic libraries for search latency: N described images written straight into a store with prepared
 * statements, in large transactions (per-image API calls would take hours at a million). The rows are what the
 * indexer writes — image, description, full-text and concept documents, optionally a vector — and the first row
 * is checked against the search module's own document builder, so the bulk path cannot drift from the real one.
 */
import { createHash } from 'node:crypto';
import type { Embedder } from '../providers/spec.js';
import { documentConcepts } from '../search/concepts.js';
import { buildSearchDocument, documentSentences, pathWords } from '../search/documents.js';
import { SqliteStore } from '../storage/sqlite/sqlite-store.js';
import { vectorTable } from '../storage/sqlite/vectors.js';
import type { SearchDocument } from '../storage/store.js';
import { sampleWord, seededRandom, type Vocabulary } from './vocabulary.js';

export interface SyntheticDescription {
  caption: string;
  tags: string[];
}

/** Document i: a real caption with two words swapped for others (so documents differ), plus three tags. */
export function syntheticDescription(
  vocabulary: Vocabulary,
  index: number,
  random: () => number,
): SyntheticDescription {
  let words: string[];
  if (vocabulary.captions.length > 0) {
    words = vocabulary.captions[index % vocabulary.captions.length].split(/\s+/);
    for (let swap = 0; swap < 2; swap++)
      words[Math.floor(random() * words.length)] = sampleWord(vocabulary, random, 30);
  } else {
    words = Array.from({ length: 8 + Math.floor(random() * 6) }, () => sampleWord(vocabulary, random));
  }
  const tags = Array.from({ length: 3 }, () => sampleWord(vocabulary, random, 30));
  return { caption: words.join(' '), tags };
}

export interface BuildResult {
  count: number;
  ms: number;
  perSecond: number;
}

const BATCH = 50_000;

export async function buildSyntheticStore(
  store: SqliteStore,
  vocabulary: Vocabulary,
  count: number,
  options: { embedder?: Embedder; seed?: number; onProgress?: (done: number) => void } = {},
): Promise<BuildResult> {
  const random = seededRandom(options.seed ?? 42);
  const db = store.db;
  const insertImage = db.prepare(
    `INSERT INTO images (id, path, folder, file_name, sha256, size_bytes, mtime_ms, width, height, format, added_at, seen_at)
     VALUES (?, ?, ?, ?, ?, 100000, 0, 640, 480, 'jpeg', ?, ?)`,
  );
  const insertDescription = db.prepare(
    `INSERT INTO descriptions (sha256, caption, tags, objects, provider, model, requested_model, prompt_version, described_at)
     VALUES (?, ?, ?, '[]', 'synthetic', 'synthetic-1', 'synthetic-1', 'bench-1', ?)`,
  );
  // The search tables' columns are the search module's business: take them from the schema, fill them from a
  // SearchDocument (whose keys are the column names), and check the result against buildSearchDocument below.
  const columns = searchColumns(store, 'search_index');
  const insertDocument = db.prepare(
    `INSERT INTO search_index (rowid, ${columns.join(', ')}) VALUES (?${', ?'.repeat(columns.length)})`,
  );
  const conceptTable = searchColumns(store, 'concept_index').length > 0;
  const insertConcepts = conceptTable ? db.prepare('INSERT INTO concept_index (rowid, concepts) VALUES (?, ?)') : null;
  // Each row read as sentences, as the store's saveSearchDocument keeps it (migration 7).
  const insertSentences =
    searchColumns(store, 'search_sentences').length > 0
      ? db.prepare('INSERT INTO search_sentences (id, analysis) VALUES (?, ?)')
      : null;
  const space = options.embedder
    ? store.embeddingSpace(options.embedder.modelId, 'text', options.embedder.dimensions)
    : null;
  const insertVector =
    space === null ? null : db.prepare(`INSERT INTO ${vectorTable(space)} (rowid, embedding) VALUES (?, ?)`);
  const timestamp = new Date().toISOString();

  const started = performance.now();
  for (let start = 0; start < count; start += BATCH) {
    const end = Math.min(count, start + BATCH);
    const batch: { id: number; description: SyntheticDescription; path: string; vector?: Float32Array }[] = [];
    for (let index = start; index < end; index++) {
      const folder = `/synthetic/album-${index % 100}`;
      batch.push({
        id: index + 1,
        description: syntheticDescription(vocabulary, index, random),
        path: `${folder}/IMG_${index}.jpg`,
      });
    }
    if (options.embedder) {
      const vectors = await options.embedder.embedTexts(
        batch.map((item) => `${item.description.caption}\n${item.description.tags.join(', ')}`),
        'document',
      );
      batch.forEach((item, position) => (item.vector = vectors[position]));
    }
    db.transaction(() => {
      for (const item of batch) {
        const sha256 = createHash('sha256').update(item.path).digest('hex');
        const folder = item.path.slice(0, item.path.lastIndexOf('/'));
        const tags = item.description.tags.join(', ');
        insertImage.run(item.id, item.path, folder, item.path.slice(folder.length + 1), sha256, timestamp, timestamp);
        insertDescription.run(sha256, item.description.caption, JSON.stringify(item.description.tags), timestamp);
        const readable = {
          caption: item.description.caption,
          tags,
          detailed: '',
          text: '',
          path: pathWords(item.path),
        };
        const document: SearchDocument = {
          ...readable,
          concepts: documentConcepts(`${item.description.caption} ${tags}`),
          sentences: insertSentences ? documentSentences(readable) : undefined,
        };
        insertDocument.run(item.id, ...columns.map((column) => document[column as keyof SearchDocument] ?? ''));
        if (insertConcepts && document.concepts) insertConcepts.run(item.id, document.concepts);
        if (insertSentences && document.sentences) insertSentences.run(item.id, document.sentences);
        if (insertVector && item.vector)
          insertVector.run(
            BigInt(item.id),
            Buffer.from(item.vector.buffer, item.vector.byteOffset, item.vector.byteLength),
          );
      }
    })();
    options.onProgress?.(end);
  }
  const ms = performance.now() - started;
  // As an index run that wrote this many rows ends (see runIndex): the bench searches a library as one finishes.
  // Not counted in `ms`, which stays the rate of writing rows.
  store.compactSearchIndex();
  checkAgainstSearchModule(store);
  return { count, ms, perSecond: count / (ms / 1000) };
}

/** A library file of `count` synthetic descriptions at `path` (tests and scratch measurements); returns the path. */
export async function writeSyntheticLibrary(path: string, vocabulary: Vocabulary, count: number): Promise<string> {
  const store = new SqliteStore(path);
  try {
    await buildSyntheticStore(store, vocabulary, count);
  } finally {
    store.close();
  }
  return path;
}

function searchColumns(store: SqliteStore, table: string): string[] {
  return (store.db.prepare('SELECT name FROM pragma_table_info(?)').all(table) as { name: string }[]).map(
    (row) => row.name,
  );
}

/** The bulk rows must equal what the search module would build for the same image. */
function checkAgainstSearchModule(store: SqliteStore): void {
  const image = store.imageById(1);
  if (!image) return;
  const expected = buildSearchDocument(store, image) as unknown as Record<string, string>;
  const columns = searchColumns(store, 'search_index');
  const actual = store.db.prepare(`SELECT ${columns.join(', ')} FROM search_index WHERE rowid = 1`).get() as Record<
    string,
    string
  >;
  if (searchColumns(store, 'concept_index').length > 0) {
    actual.concepts =
      (store.db.prepare('SELECT concepts FROM concept_index WHERE rowid = 1').get() as { concepts: string } | undefined)
        ?.concepts ?? '';
  }
  if (searchColumns(store, 'search_sentences').length > 0) {
    actual.sentences =
      (store.db.prepare('SELECT analysis FROM search_sentences WHERE id = 1').pluck().get() as string | undefined) ??
      '';
  }
  for (const field of Object.keys(actual)) {
    if (actual[field] !== expected[field]) {
      throw new Error(
        `The bench's bulk search row differs from buildSearchDocument in "${field}": update src/bench/synthetic-store.ts`,
      );
    }
  }
}
