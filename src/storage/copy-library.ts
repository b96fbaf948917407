/**
 * Copying a whole library from one store to another — SQLite to PostgreSQL or back — without describing anything
 * again (`glimpse migrate`): every image with its id, descriptions, a person's edits (with their source),
 * thumbnails, failures and runs are copied row by row; search rows are written through the target's own
 * saveSearchDocument (each engine keeps them its own way); vectors are copied space by space when the target can
 * keep them (a PostgreSQL server without pgvector cannot: the count of vectors left behind is reported).
 */
import { GlimpseError } from '../errors.js';
import type { OpenedStore } from './open-store.js';
import type { PostgresStore } from './postgres/postgres-store.js';
import { DESCRIPTION_COLUMNS } from './rows.js';
import type { SqliteStore } from './sqlite/sqlite-store.js';
import type { SearchDocument } from './store.js';

type Row = Record<string, unknown>;

/** The tables both engines have, their key (for reading in order) and the columns copied. */
const TABLES: { name: string; key: string; columns: string[] }[] = [
  {
    name: 'images',
    key: 'id',
    columns: [
      'id',
      'path',
      'folder',
      'file_name',
      'sha256',
      'size_bytes',
      'mtime_ms',
      'width',
      'height',
      'format',
      'taken_at',
      'camera',
      'latitude',
      'longitude',
      'added_at',
      'seen_at',
    ],
  },
  { name: 'descriptions', key: 'sha256', columns: [...DESCRIPTION_COLUMNS] },
  { name: 'user_edits', key: 'sha256', columns: ['sha256', 'caption', 'tags', 'edited_at', 'source'] },
  { name: 'thumbnails', key: 'sha256', columns: ['sha256', 'webp'] },
  { name: 'failures', key: 'path', columns: ['path', 'code', 'message', 'run_id', 'failed_at'] },
  {
    name: 'runs',
    key: 'id',
    columns: [
      'id',
      'started_at',
      'finished_at',
      'provider',
      'model',
      'indexed',
      'unchanged',
      'failed',
      'host',
      'pid',
      'alive_until',
      'interrupted_at',
    ],
  },
];

const BATCH = 500;

export interface CopyReport {
  images: number;
  descriptions: number;
  userEdits: number;
  thumbnails: number;
  failures: number;
  runs: number;
  searchRows: number;
  vectors: number;
  /** Vectors the target could not keep (PostgreSQL without pgvector). */
  vectorsLeft: number;
}

export function copyLibrary(
  from: OpenedStore,
  to: OpenedStore,
  onProgress: (table: string, copied: number) => void = () => undefined,
): CopyReport {
  const source = tablesOf(from);
  const target = tablesOf(to);
  const existing = to.counts().images;
  if (existing > 0)
    throw new GlimpseError('USAGE', `${to.location} already holds ${existing} images`, {
      hint: 'Migrate into an empty database (a new SQLite file, or a new PostgreSQL database: createdb NAME).',
    });
  const counts: Record<string, number> = {};
  for (const table of TABLES) {
    let copied = 0;
    let after: unknown = null;
    for (;;) {
      const rows = source.read(table.name, table.key, table.columns, after, BATCH);
      if (rows.length === 0) break;
      to.transaction(() => target.insert(table.name, table.columns, rows));
      copied += rows.length;
      after = rows.at(-1)![table.key];
      onProgress(table.name, copied);
      if (rows.length < BATCH) break;
    }
    counts[table.name] = copied;
  }
  target.afterInsert();

  let searchRows = 0;
  let after = 0;
  for (;;) {
    const rows = source.searchRows(after, BATCH);
    if (rows.length === 0) break;
    to.transaction(() => {
      for (const { id, ...document } of rows) to.saveSearchDocument(id, document);
    });
    searchRows += rows.length;
    after = rows.at(-1)!.id;
    onProgress('search rows', searchRows);
    if (rows.length < BATCH) break;
  }

  let vectors = 0;
  let vectorsLeft = 0;
  for (const space of from.embeddingSpaces()) {
    const targetSpace = to.embeddingSpace(space.model, space.kind, space.dimensions);
    const keeps = to.embeddingSpaces().some((kept) => kept.id === targetSpace);
    for (const image of from.iterateImages()) {
      const vector = from.vector(space.id, image.id);
      if (!vector) continue;
      if (!keeps) {
        vectorsLeft++;
        continue;
      }
      to.saveVector(targetSpace, image.id, vector);
      vectors++;
      if (vectors % 1000 === 0) onProgress('vectors', vectors);
    }
  }
  return {
    images: counts.images,
    descriptions: counts.descriptions,
    userEdits: counts.user_edits,
    thumbnails: counts.thumbnails,
    failures: counts.failures,
    runs: counts.runs,
    searchRows,
    vectors,
    vectorsLeft,
  };
}

interface Tables {
  read(table: string, key: string, columns: string[], after: unknown, limit: number): Row[];
  insert(table: string, columns: string[], rows: Row[]): void;
  /** After rows were inserted with their ids: the id generators continue after them. */
  afterInsert(): void;
  searchRows(after: number, limit: number): ({ id: number } & SearchDocument)[];
}

function tablesOf(store: OpenedStore): Tables {
  return (store as PostgresStore).kind === 'postgres'
    ? postgresTables(store as PostgresStore)
    : sqliteTables(store as SqliteStore);
}

function sqliteTables(store: SqliteStore): Tables {
  const db = store.db;
  return {
    read: (table, key, columns, after, limit) =>
      db
        .prepare(
          `SELECT ${columns.join(', ')} FROM ${table} ${after === null ? '' : `WHERE ${key} > ?`} ORDER BY ${key} LIMIT ?`,
        )
        .all(...(after === null ? [] : [after]), limit) as Row[],
    insert(table, columns, rows) {
      const insert = db.prepare(
        `INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`,
      );
      for (const row of rows)
        insert.run(
          ...columns.map((column) =>
            row[column] instanceof Uint8Array ? Buffer.from(row[column] as Uint8Array) : row[column],
          ),
        );
    },
    afterInsert: () => undefined,
    searchRows: (after, limit) =>
      db
        .prepare(
          'SELECT rowid AS id, caption, tags, detailed, text, concepts, path FROM search_index WHERE rowid > ? ORDER BY rowid LIMIT ?',
        )
        .all(after, limit) as ({ id: number } & SearchDocument)[],
  };
}

function postgresTables(store: PostgresStore): Tables {
  return {
    read: (table, key, columns, after, limit) =>
      store.query(
        `SELECT ${columns.join(', ')} FROM ${table} ${after === null ? '' : `WHERE ${key} > ?`} ORDER BY ${key} LIMIT ?`,
        [...(after === null ? [] : [after]), limit],
      ),
    insert(table, columns, rows) {
      const values = rows.map(() => `(${columns.map(() => '?').join(', ')})`).join(', ');
      store.query(
        `INSERT INTO ${table} (${columns.join(', ')}) VALUES ${values}`,
        rows.flatMap((row) => columns.map((column) => row[column] ?? null)),
      );
    },
    afterInsert() {
      for (const table of ['images', 'runs'])
        store.query(
          `SELECT setval(pg_get_serial_sequence('${table}', 'id'), coalesce((SELECT max(id) FROM ${table}), 0) + 1, false)`,
        );
    },
    searchRows: (after, limit) =>
      store
        .query<{ id: number } & SearchDocument>(
          'SELECT image_id AS id, caption, tags, detailed, text, concepts, path FROM search_documents WHERE image_id > ? ORDER BY image_id LIMIT ?',
          [after, limit],
        )
        .map((row) => ({ ...row, id: Number(row.id) })),
  };
}
