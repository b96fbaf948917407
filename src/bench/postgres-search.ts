/**
 * Search latency on PostgreSQL: a synthetic library of `size` descriptions (the same rows and queries as the
 * SQLite bench in search-latency.ts) bulk-written into a database of its own on the server at
 * GLIMPSE_TEST_POSTGRES (default 127.0.0.1:5432), then searched through the library API as a server would be.
 * The database is dropped afterwards (unless kept with --keep). Also runnable alone:
 * `node dist/bench/postgres-search.js 100000 [queries]`.
 */
import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { percentile } from '../eval/statistics.js';
import { createGlimpse } from '../glimpse.js';
import { glimpseParts } from '../methods/parts.js';
import { documentConcepts } from '../search/concepts.js';
import { pathWords } from '../search/documents.js';
import type { PostgresStore } from '../storage/postgres/postgres-store.js';
import { documentTerms } from '../storage/postgres/search-terms.js';
import { createTestDatabase, TEST_SERVER } from '../testing/postgres.js';
import { type BenchResult, formatTable, repeated, result } from './results.js';
import { label, latencies, measureSearch, querySets } from './search-latency.js';
import { syntheticDescription } from './synthetic-store.js';
import { loadVocabulary, seededRandom, type Vocabulary } from './vocabulary.js';

const BATCH = 1000;

/**
 * Bulk rows straight into the tables (per-image API calls would take hours at a million); the GIN index and the
 * postings (which the store's trigger would add row by row) are built after, in one pass each.
 */
export async function buildPostgresLibrary(
  store: PostgresStore,
  vocabulary: Vocabulary,
  count: number,
  onProgress?: (done: number) => void,
): Promise<number> {
  const random = seededRandom(42);
  const timestamp = new Date().toISOString();
  const started = performance.now();
  store.query('DROP INDEX search_documents_document');
  store.query('ALTER TABLE search_documents DISABLE TRIGGER search_postings_sync');
  store.query('ALTER TABLE search_postings DROP CONSTRAINT search_postings_pkey');
  for (let start = 0; start < count; start += BATCH) {
    const images: unknown[] = [];
    const descriptions: unknown[] = [];
    const documents: unknown[] = [];
    const end = Math.min(count, start + BATCH);
    for (let index = start; index < end; index++) {
      const id = index + 1;
      const description = syntheticDescription(vocabulary, index, random);
      const folder = `/synthetic/album-${index % 100}`;
      const path = `${folder}/IMG_${index}.jpg`;
      const sha256 = createHash('sha256').update(path).digest('hex');
      const tags = description.tags.join(', ');
      images.push(id, path, folder, `IMG_${index}.jpg`, sha256, timestamp);
      descriptions.push(sha256, description.caption, JSON.stringify(description.tags), timestamp);
      const document = {
        caption: description.caption,
        tags,
        detailed: '',
        text: '',
        concepts: documentConcepts(`${description.caption} ${tags}`),
        path: pathWords(path),
      };
      const terms = documentTerms(document);
      documents.push(
        id,
        document.caption,
        document.tags,
        document.concepts,
        document.path,
        terms.terms,
        terms.length,
        terms.weights,
        terms.vector,
      );
    }
    const rows = (values: unknown[], width: number, template: string) =>
      Array.from({ length: values.length / width }, () => template).join(', ');
    store.connection.batch([
      {
        sql: `INSERT INTO images (id, path, folder, file_name, sha256, size_bytes, mtime_ms, width, height, format, added_at, seen_at)
              VALUES ${rows(images, 6, "(?, ?, ?, ?, ?, 100000, 0, 640, 480, 'jpeg', ?, ?)")}`,
        params: images.flatMap((value, position) => (position % 6 === 5 ? [value, value] : [value])),
      },
      {
        sql: `INSERT INTO descriptions (sha256, caption, tags, objects, provider, model, requested_model, prompt_version, described_at)
              VALUES ${rows(descriptions, 4, "(?, ?, ?, '[]', 'synthetic', 'synthetic-1', 'synthetic-1', 'bench-1', ?)")}`,
        params: descriptions,
      },
      {
        sql: `INSERT INTO search_documents (image_id, caption, tags, concepts, path, terms, length, weights, document)
              VALUES ${rows(documents, 9, '(?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?::tsvector)')}`,
        params: documents,
      },
    ]);
    onProgress?.(end);
  }
  store.query('CREATE INDEX search_documents_document ON search_documents USING gin (document)');
  store.query(`INSERT INTO search_postings (term, image_id, hits, length)
               SELECT key, s.image_id, value::real, s.length FROM search_documents s, jsonb_each_text(s.weights)
               ORDER BY 1, 2`);
  store.query('ALTER TABLE search_postings ADD PRIMARY KEY (term, image_id) INCLUDE (hits, length)');
  store.query('ALTER TABLE search_documents ENABLE TRIGGER search_postings_sync');
  store.query("SELECT setval(pg_get_serial_sequence('images', 'id'), (SELECT max(id) FROM images))");
  store.query("SELECT nextval('search_changes')");
  store.query('VACUUM ANALYZE search_documents');
  store.query('VACUUM ANALYZE search_postings');
  return performance.now() - started;
}

/**
 * A database named `name` on the test server holding the synthetic library of `size` rows: built the first time,
 * reused (not dropped) after, so that a million-row library is built once for many measurements.
 */
export async function keptDatabase(name: string): Promise<{ url: string; drop: () => Promise<void> }> {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`--keep wants a plain database name, not ${name}`);
  const url = new URL(TEST_SERVER);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: async () => undefined };
}

/** How many search rows the library at `url` has (0 when it has no tables yet). */
async function librarySize(url: string): Promise<number> {
  const glimpse = await createGlimpse({ db: url, embedder: null });
  try {
    const store = glimpseParts(glimpse).store as PostgresStore;
    return Number(store.query<{ rows: number }>('SELECT count(*) AS rows FROM search_documents')[0].rows);
  } finally {
    await glimpse.close();
  }
}

export async function measurePostgresSearch(
  vocabulary: Vocabulary,
  size: number,
  options: { queries: number; repeats?: number; keep?: string; onProgress?: (text: string) => void },
): Promise<BenchResult[]> {
  const database = options.keep ? await keptDatabase(options.keep) : await createTestDatabase('glimpse_bench');
  try {
    let buildMs = Number.NaN;
    const existing = options.keep ? await librarySize(database.url) : 0;
    if (existing !== 0 && existing !== size)
      throw new Error(`database ${options.keep} holds ${existing} rows, not ${size}: drop it first`);
    if (existing === 0) {
      const builder = await createGlimpse({ db: database.url, embedder: null });
      try {
        const store = glimpseParts(builder).store as PostgresStore;
        buildMs = await buildPostgresLibrary(store, vocabulary, size, (done) =>
          options.onProgress?.(`building ${label(size)} on PostgreSQL: ${done}/${size}`),
        );
      } finally {
        await builder.close();
      }
    }
    const repeats = options.repeats ?? 1;
    const sets = querySets(vocabulary, options.queries, { repeats });
    const glimpse = await createGlimpse({ db: database.url, embedder: null });
    try {
      const measured = await latencies(glimpse, sets);
      const spread = repeats > 1 ? `; ${repeats} sets of new queries` : '';
      return [
        result(
          `pg-index-build-per-s-${label(size)}`,
          size / (buildMs / 1000),
          'images/s',
          'bulk rows, then the GIN index',
        ),
        repeated(
          `pg-search-p50-ms-${label(size)}`,
          measured.repeats.map((times) => percentile(times, 50)),
          'ms',
          `PostgreSQL, full text + rerank, ${sets.measured.length} new queries after ${sets.warmUp.length} others${spread}`,
        ),
        repeated(
          `pg-search-p95-ms-${label(size)}`,
          measured.repeats.map((times) => percentile(times, 95)),
          'ms',
          size === 1_000_000 ? 'aim < 50 ms' : undefined,
        ),
        result(
          `pg-search-cold-p95-ms-${label(size)}`,
          percentile(measured.cold, 95),
          'ms',
          `the first ${sets.cold.length} queries of a fresh process`,
        ),
      ];
    } finally {
      await glimpse.close();
    }
  } finally {
    await database.drop();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  // node dist/bench/postgres-search.js SIZE [QUERIES] [--sqlite] [--repeats N] [--keep NAME]: --sqlite measures SQLite
  // on the same rows in the same run, for a ratio that means something on a busy machine; --repeats, N sets of new
  // queries (figures with their min and max); --keep NAME, the library lives in database NAME, built there if it is
  // empty and kept afterwards (a million rows take many minutes to build).
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { sqlite: { type: 'boolean' }, repeats: { type: 'string', default: '1' }, keep: { type: 'string' } },
  });
  const keep = values.keep;
  const repeats = Number(values.repeats);
  const [size, queries] = positionals.map(Number);
  const vocabulary = loadVocabulary();
  const onProgress = (text: string) => process.stderr.write(`\r${text}`);
  const results = await measurePostgresSearch(vocabulary, size || 100_000, {
    queries: queries || 200,
    repeats,
    keep,
    onProgress,
  });
  if (values.sqlite) {
    const folder = await mkdtemp(join(tmpdir(), 'glimpse-bench-'));
    try {
      const sqlite = await measureSearch(folder, vocabulary, size || 100_000, {
        hybrid: false,
        queries: queries || 200,
        repeats,
        onProgress,
      });
      results.push(...sqlite.results);
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  }
  process.stderr.write('\n');
  process.stdout.write(`${formatTable(results)}\n`);
}
