/**
 * Schema migrations, numbered in order and applied on open (SQLite's user_version holds the last one applied).
 * Never edit a migration that has shipped: add the next number. Every table is created here. A read-only open
 * migrates nothing, so code that reads a table added by a later migration than the first checks that it is there.
 *
 * Layout, in short:
 * - `images`: one row per file path (or URL). Content is identified by `sha256`.
 * - `descriptions`: one generated description per content hash, so a moved or copied file keeps its description.
 * - `user_edits`: captions and tags a person wrote, per content hash; never overwritten by generated ones.
 * - `search_index`: FTS5 over what a user searches, one row per image (rowid = images.id).
 * - `embedding_spaces` + `vectors_<space id>` (sqlite-vec): vectors per image, one table per model and kind.
 * - `vector_changes`: which vectors changed at which generation, for the in-memory copies of large spaces.
 * - `failures`, `runs`: files that could not be indexed, and each indexing run (with the process that ran it, so a
 *   run whose process was killed is marked interrupted).
 * - `claims`: which process is describing which content right now (a lease), so concurrent indexers share the work.
 * - `search_term_counts*`: saved term counts of the full-text index (a cache).
 */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const MIGRATIONS: Migration[] = [
  {
    version: 1,
    name: 'initial schema',
    sql: `
      CREATE TABLE images (
        id INTEGER PRIMARY KEY,
        path TEXT NOT NULL UNIQUE,
        folder TEXT NOT NULL,
        file_name TEXT NOT NULL,
        sha256 TEXT NOT NULL,
        size_bytes INTEGER NOT NULL,
        mtime_ms REAL,
        width INTEGER,
        height INTEGER,
        format TEXT,
        taken_at TEXT,
        camera TEXT,
        latitude REAL,
        longitude REAL,
        added_at TEXT NOT NULL,
        seen_at TEXT NOT NULL
      );
      CREATE INDEX images_sha256 ON images(sha256);
      CREATE INDEX images_taken_at ON images(taken_at);
      CREATE INDEX images_folder ON images(folder);

      CREATE TABLE descriptions (
        sha256 TEXT PRIMARY KEY,
        caption TEXT,
        detailed TEXT,
        alt TEXT,
        tags TEXT NOT NULL DEFAULT '[]',
        objects TEXT NOT NULL DEFAULT '[]',
        text TEXT,
        safety TEXT,
        provider TEXT NOT NULL,
        model TEXT NOT NULL,
        requested_model TEXT NOT NULL,
        prompt_version TEXT NOT NULL,
        described_at TEXT NOT NULL,
        ms INTEGER,
        input_tokens INTEGER,
        output_tokens INTEGER,
        cost_usd REAL
      );

      CREATE TABLE user_edits (
        sha256 TEXT PRIMARY KEY,
        caption TEXT,
        tags TEXT,
        edited_at TEXT NOT NULL
      );

      CREATE TABLE thumbnails (
        sha256 TEXT PRIMARY KEY,
        webp BLOB NOT NULL
      );

      CREATE TABLE failures (
        path TEXT PRIMARY KEY,
        code TEXT NOT NULL,
        message TEXT NOT NULL,
        run_id INTEGER,
        failed_at TEXT NOT NULL
      );

      CREATE TABLE runs (
        id INTEGER PRIMARY KEY,
        started_at TEXT NOT NULL,
        finished_at TEXT,
        provider TEXT,
        model TEXT,
        indexed INTEGER NOT NULL DEFAULT 0,
        unchanged INTEGER NOT NULL DEFAULT 0,
        failed INTEGER NOT NULL DEFAULT 0
      );

      -- concepts: WordNet concept ids of the words in caption and tags (see search/concepts.ts), in the same
      -- table so that one bm25 ranks exact words and concepts together, each column with its own weight.
      CREATE VIRTUAL TABLE search_index USING fts5(
        caption, tags, detailed, text, concepts, path,
        tokenize = 'porter unicode61 remove_diacritics 2'
      );

      CREATE TABLE embedding_spaces (
        id INTEGER PRIMARY KEY,
        model TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('text', 'image')),
        dimensions INTEGER NOT NULL,
        created_at TEXT NOT NULL,
        UNIQUE (model, kind)
      );
    `,
  },
  {
    version: 2,
    name: 'term frequencies for search',
    sql: `
      -- How many images each indexed term occurs in: lets search skip concepts too common to rank by.
      CREATE VIRTUAL TABLE search_terms USING fts5vocab(search_index, row);
    `,
  },
  {
    version: 3,
    name: 'term counts kept between processes',
    sql: `
      -- search_terms counts a term by reading its whole row list (a tenth of a second for a common word in a
      -- million images), and a new process counted afresh. These are its counts as search last took them, valid
      -- while the full-text index is unchanged: while FTS5's structure record (search_index_data, id 10) is the
      -- one kept here. FTS5 rewrites that record, with its write counter, at every commit that changes the index.
      -- A cache: deleting its rows is always safe (see search/term-frequencies.ts).
      CREATE TABLE search_term_counts (term TEXT PRIMARY KEY, documents INTEGER NOT NULL) WITHOUT ROWID;
      CREATE TABLE search_term_counts_state (id INTEGER PRIMARY KEY CHECK (id = 1), structure BLOB NOT NULL);
    `,
  },
  {
    version: 4,
    name: 'vector change log',
    sql: `
      -- One row per (space, image) with the generation of its last vector change, so a process holding an in-memory
      -- copy of a space's vectors (or its cached file) can tell it is behind and re-read only what changed (see
      -- sqlite/vectors.ts). Until this migration the table was created at the first vector write, so a database
      -- may have it already. A read-only open migrates nothing: an older database opened so has no change log,
      -- and its vectors are read at generation 0.
      CREATE TABLE IF NOT EXISTS vector_changes (
        space_id INTEGER NOT NULL, image_id INTEGER NOT NULL, generation INTEGER NOT NULL,
        PRIMARY KEY (space_id, image_id)) WITHOUT ROWID;
      CREATE INDEX IF NOT EXISTS vector_changes_by_generation ON vector_changes (space_id, generation);
    `,
  },
  {
    version: 5,
    name: 'claims and interrupted runs',
    sql: `
      -- A lease per content hash being described: a second indexer takes other images, and waits for (or, once the
      -- holder's process is gone or its lease expired, takes over) one another process holds. Rows live only while
      -- an image is being described; the holder renews its leases while it works (see sqlite/claims.ts).
      CREATE TABLE claims (
        sha256 TEXT PRIMARY KEY,
        owner TEXT NOT NULL,
        host TEXT NOT NULL,
        pid INTEGER NOT NULL,
        expires_at INTEGER NOT NULL
      ) WITHOUT ROWID;
      CREATE INDEX claims_owner ON claims (owner);

      -- The process that runs an indexing run, and its lease (renewed while it runs): a run without finished_at
      -- whose process is gone was killed, and is marked interrupted_at by the next run.
      ALTER TABLE runs ADD COLUMN host TEXT;
      ALTER TABLE runs ADD COLUMN pid INTEGER;
      ALTER TABLE runs ADD COLUMN alive_until INTEGER;
      ALTER TABLE runs ADD COLUMN interrupted_at TEXT;
    `,
  },
  {
    version: 6,
    name: 'where a person edit came from',
    sql: `
      -- NULL: typed in Glimpse (glimpse edit, the web app); 'embedded metadata': read from the file or its XMP
      -- sidecar at index time. Either way it is the person's own and never overwritten by generated text.
      ALTER TABLE user_edits ADD COLUMN source TEXT;
    `,
  },
  {
    version: 7,
    name: 'search rows read as sentences',
    sql: `
      -- Each search row's caption and tags (and all its readable columns) as search's reranker reads them: lemmas,
      -- joined compounds, the things named with their number and colour (search/sentence.ts), worked out when the
      -- row is written, in the same transaction, and dropped with it (storage/sqlite/images.ts). A search reads the
      -- fifty rows it reranks from here instead of analysing their text again. A row without one (written before
      -- this migration) is analysed at search time, as before: the same result, slower.
      CREATE TABLE search_sentences (id INTEGER PRIMARY KEY, analysis TEXT NOT NULL);
    `,
  },
  {
    version: 8,
    name: 'search readings complete',
    sql: `
      -- The reading format (search/sentence.ts SENTENCE_FORMAT) every search row has a stored reading of, once that is
      -- so: an index run looks here, one row, to know whether rows written before migration 7 (or in another format)
      -- are left to fill (see fillSearchReadings in sqlite/images.ts). Every reading stored so far is format 1; a
      -- library none of whose rows lacks one is complete already.
      CREATE TABLE search_sentences_state (id INTEGER PRIMARY KEY CHECK (id = 1), format INTEGER NOT NULL);
      INSERT INTO search_sentences_state (id, format)
        SELECT 1, 1 WHERE NOT EXISTS (
          SELECT 1 FROM search_index_docsize d WHERE NOT EXISTS (SELECT 1 FROM search_sentences a WHERE a.id = d.id));
    `,
  },
];
