/**
 * The thread that talks to PostgreSQL for one PostgresStore (see connection.ts for why there is one). It holds one
 * node-postgres Client: the store's calls come one at a time (its caller waits for each), so one connection serves
 * them all, and a transaction is simply BEGIN ... COMMIT on it.
 *
 * When the connection breaks (PostgreSQL restarted, a network blip) the next request reconnects, retrying for up to
 * RECONNECT_MS, and runs again; a request inside a transaction is not retried (the transaction is gone with the
 * connection), it fails, and the store's caller sees the error.
 */
import { type MessagePort, workerData } from 'node:worker_threads';
import pg from 'pg';

export interface WorkerData {
  url: string;
  port: MessagePort;
  /** [0]: replies posted so far (the waiting thread sleeps until it changes). */
  signal: SharedArrayBuffer;
}

export interface Statement {
  sql: string;
  params?: unknown[];
}

export type Ask = { kind: 'query'; statements: Statement[] } | { kind: 'connect'; create: boolean } | { kind: 'close' };
export type Request = Ask & { id: number };

export type Answer =
  | { ok: true; results: Record<string, unknown>[][] }
  | { ok: false; message: string; code?: string; connection: boolean };
/** `id`: the request's. A request nobody waits for (a write sent ahead, connection.ts `send`) is answered too. */
export type Reply = Answer & { id: number };

const RECONNECT_MS = Number(process.env.GLIMPSE_PG_RECONNECT_MS ?? 30_000);

// bigint columns (ids, counts) as numbers: Glimpse's ids and counts stay far below 2^53.
pg.types.setTypeParser(20, (value) => Number(value));

const { url, port, signal } = workerData as WorkerData;
const flag = new Int32Array(signal);
let client: pg.Client | null = null;
/** Open transaction depth on this connection (BEGIN seen, COMMIT/ROLLBACK not yet). */
let inTransaction = false;

async function connect(): Promise<pg.Client> {
  const fresh = new pg.Client({ connectionString: url, application_name: 'glimpse' });
  // A connection that breaks while idle must not crash the thread: the next request reconnects.
  fresh.on('error', () => {
    if (client === fresh) client = null;
  });
  await fresh.connect();
  await fresh.query("SET client_min_messages = 'warning'");
  return fresh;
}

/** CREATE DATABASE for the URL's database, through the server's `postgres` database (another process may win). */
async function createDatabase(): Promise<void> {
  const target = new URL(url);
  const name = decodeURIComponent(target.pathname.slice(1));
  target.pathname = '/postgres';
  const admin = new pg.Client({ connectionString: target.toString(), application_name: 'glimpse' });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`);
  } catch (error) {
    if ((error as { code?: string }).code !== '42P04') throw error;
  } finally {
    await admin.end();
  }
}

async function connected(retryFor: number): Promise<pg.Client> {
  if (client) return client;
  const deadline = Date.now() + retryFor;
  for (let wait = 100; ; wait = Math.min(wait * 2, 2000)) {
    try {
      client = await connect();
      return client;
    } catch (error) {
      if (Date.now() + wait > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
  }
}

/** Errors that mean the connection (not the statement) failed. */
function isConnectionError(error: unknown): boolean {
  const code = (error as { code?: string }).code ?? '';
  const message = (error as Error).message ?? '';
  return (
    [
      'ECONNREFUSED',
      'ECONNRESET',
      'EPIPE',
      'ETIMEDOUT',
      'ENOTFOUND',
      '57P01',
      '57P02',
      '57P03',
      '08006',
      '08003',
    ].includes(code) || /Connection terminated|not queryable|connection ended/i.test(message)
  );
}

async function runStatements(statements: Statement[]): Promise<Record<string, unknown>[][]> {
  const results: Record<string, unknown>[][] = [];
  for (const statement of statements) {
    const connection = await connected(inTransaction ? 0 : RECONNECT_MS);
    const sql = statement.sql.trim();
    // Buffers arrive from the other thread as plain Uint8Arrays: bytea wants Buffers.
    const values = statement.params?.map((value) =>
      value instanceof Uint8Array && !Buffer.isBuffer(value) ? Buffer.from(value) : value,
    );
    const result = await connection.query({ text: sql, values });
    if (/^BEGIN\b/i.test(sql)) inTransaction = true;
    else if (/^(COMMIT|ROLLBACK)\b(?!\s+TO)/i.test(sql)) inTransaction = false;
    const rows = Array.isArray(result) ? (result.at(-1)?.rows ?? []) : result.rows;
    results.push(rows);
  }
  return results;
}

async function handle(request: Ask): Promise<Answer> {
  try {
    if (request.kind === 'connect') {
      try {
        await connected(0);
      } catch (error) {
        // 3D000: no such database. A store opened for writing makes it, as SQLite makes a new file.
        if (!request.create || (error as { code?: string }).code !== '3D000') throw error;
        await createDatabase();
        await connected(0);
      }
      return { ok: true, results: [] };
    }
    if (request.kind === 'close') {
      const open = client;
      client = null;
      await open?.end().catch(() => undefined);
      return { ok: true, results: [] };
    }
    try {
      return { ok: true, results: await runStatements(request.statements) };
    } catch (error) {
      // The connection broke outside a transaction: reconnect and run the request once more.
      if (!inTransaction && isConnectionError(error)) {
        client = null;
        return { ok: true, results: await runStatements(request.statements) };
      }
      throw error;
    }
  } catch (error) {
    const connection = isConnectionError(error);
    if (connection) {
      client = null;
      inTransaction = false;
    }
    return {
      ok: false,
      message: (error as Error).message || String(error),
      code: (error as { code?: string }).code,
      connection,
    };
  }
}

// One request at a time, in the order sent: writes sent without waiting (connection.ts) run before what follows them.
let previous: Promise<void> = Promise.resolve();
port.on('message', (request: Request) => {
  previous = previous.then(async () => {
    const reply = await handle(request);
    port.postMessage({ ...reply, id: request.id });
    Atomics.add(flag, 0, 1);
    Atomics.notify(flag, 0);
  });
});
