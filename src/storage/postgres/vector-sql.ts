/**
 * The SQL of vectors on PostgreSQL with pgvector: one table per embedding space (its dimension is fixed, as an HNSW
 * index needs), an HNSW index for cosine distance, nearest neighbours by `<=>`. Plain strings, so the same SQL runs
 * on a PostgreSQL server (vectors.ts) and on PGlite with its vector extension (vector-sql.test.ts, since Debian 12
 * ships no pgvector package for the server).
 */

export function vectorTableName(spaceId: number): string {
  return `vectors_${Math.trunc(spaceId)}`;
}

export const CREATE_EXTENSION = 'CREATE EXTENSION IF NOT EXISTS vector';

/** Whether the server can load pgvector (its files are installed), whether or not it is created yet. */
export const EXTENSION_AVAILABLE = "SELECT 1 AS ok FROM pg_available_extensions WHERE name = 'vector'";

export function createVectorTable(spaceId: number, dimensions: number): string[] {
  const table = vectorTableName(spaceId);
  return [
    `CREATE TABLE IF NOT EXISTS ${table} (image_id BIGINT PRIMARY KEY, embedding vector(${Math.trunc(dimensions)}) NOT NULL)`,
    // HNSW: approximate, fast at any size, and kept up to date row by row (no rebuild as the space grows).
    `CREATE INDEX IF NOT EXISTS ${table}_hnsw ON ${table} USING hnsw (embedding vector_cosine_ops)`,
  ];
}

export function dropVectorTable(spaceId: number): string {
  return `DROP TABLE IF EXISTS ${vectorTableName(spaceId)}`;
}

/** Parameters: image id, vector text ('[0.1,0.2,…]'). */
export function upsertVector(spaceId: number): string {
  return `INSERT INTO ${vectorTableName(spaceId)} (image_id, embedding) VALUES ($1, $2::vector)
          ON CONFLICT (image_id) DO UPDATE SET embedding = excluded.embedding`;
}

export function deleteVector(spaceId: number): string {
  return `DELETE FROM ${vectorTableName(spaceId)} WHERE image_id = $1`;
}

export function readVector(spaceId: number): string {
  return `SELECT embedding::text AS embedding FROM ${vectorTableName(spaceId)} WHERE image_id = $1`;
}

/** Nearest first, through the HNSW index. Parameters: vector text, limit. */
export function nearestVectors(spaceId: number): string {
  return `SELECT image_id AS "imageId", embedding <=> $1::vector AS distance FROM ${vectorTableName(spaceId)}
          ORDER BY embedding <=> $1::vector LIMIT $2`;
}

/** The exact answer (every row compared; the expression is not the index's, so the index is not used). */
export function exactNearestVectors(spaceId: number): string {
  return `SELECT image_id AS "imageId", (embedding <=> $1::vector) + 0 AS distance FROM ${vectorTableName(spaceId)}
          ORDER BY (embedding <=> $1::vector) + 0, image_id LIMIT $2`;
}

/** HNSW's search breadth: at least the number of neighbours asked for, so a large `limit` is not cut short. */
export function searchBreadth(limit: number): string {
  return `SET hnsw.ef_search = ${Math.max(40, Math.min(1000, Math.trunc(limit)))}`;
}

export function vectorText(vector: Float32Array): string {
  return `[${Array.from(vector).join(',')}]`;
}

export function parseVector(text: string): Float32Array {
  return Float32Array.from(text.slice(1, -1).split(',').map(Number));
}
