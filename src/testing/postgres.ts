/**
 * A PostgreSQL database of its own for a test: created on the server at GLIMPSE_TEST_POSTGRES (default
 * postgres://root@127.0.0.1:5432/postgres, the server every Glimpse machine and CI runs), dropped afterwards. A test
 * that cannot reach the server fails: it is not skipped.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';

export const TEST_SERVER = process.env.GLIMPSE_TEST_POSTGRES ?? 'postgres://root@127.0.0.1:5432/postgres';

/** The URL of a new, empty database on the test server. */
export async function createTestDatabase(prefix = 'glimpse_test'): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `${prefix}_${process.pid}_${randomBytes(4).toString('hex')}`;
  await admin(`CREATE DATABASE ${name}`);
  const url = new URL(TEST_SERVER);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: () => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
  };
}

/** Runs `fn` with a fresh database's URL, dropping the database after. */
export async function withTestDatabase<T>(fn: (url: string) => Promise<T> | T, prefix?: string): Promise<T> {
  const database = await createTestDatabase(prefix);
  try {
    return await fn(database.url);
  } finally {
    await database.drop();
  }
}

async function admin(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: TEST_SERVER });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}
