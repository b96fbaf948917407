/**
 * A synchronous connection to PostgreSQL, for a Store whose interface is synchronous.
 *
 * Why synchronous: the Store (storage/store.ts) was designed around better-sqlite3, and 27 modules call it without
 * awaiting — the public verbs `show`, `edit`, `status` are synchronous too. PostgreSQL's clients are asynchronous,
 * so the store runs its queries on a worker thread (worker.ts, with node-postgres) and this thread waits for each
 * reply (Atomics.wait on a shared flag, then reads the reply from the message port). The wait costs about 0.1 ms
 * per call on top of the query, so the store batches where calls are many: images are read a thousand at a time,
 * several statements travel in one request, and a search's candidates come back in one round trip.
 *
 * Only the caller's thread blocks; other processes (workers, several `glimpse serve`) each have their own
 * connection, and PostgreSQL does the sharing.
 */
import { MessageChannel, receiveMessageOnPort, Worker } from 'node:worker_threads';
import { GlimpseError } from '../../errors.js';
import type { Reply, Request, Statement, WorkerData } from './worker.js';

export type Row = Record<string, unknown>;

/** A query that has not answered in this long is given up on (a hung server must not hang Glimpse for ever). */
const QUERY_TIMEOUT_MS = Number(process.env.GLIMPSE_PG_TIMEOUT_MS ?? 10 * 60_000);

/** `postgres://user:secret@host/db` → `postgres://user@host/db`: safe to print. */
export function redactUrl(url: string): string {
  if (!isPostgresUrl(url)) return url;
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '';
    return parsed.toString().replace(/:@/, '@');
  } catch {
    return url.replace(/(\/\/[^:/@]+):[^@]*@/, '$1@');
  }
}

export function isPostgresUrl(location: string): boolean {
  return /^postgres(ql)?:\/\//i.test(location);
}

export class PostgresConnection {
  private readonly worker: Worker;
  private readonly port: MessageChannel['port1'];
  private readonly flag: Int32Array;
  private closed = false;

  /** @param create make the database when the server has none of that name (a store opened for writing). */
  constructor(
    readonly url: string,
    create = false,
  ) {
    const signal = new SharedArrayBuffer(4);
    this.flag = new Int32Array(signal);
    const { port1, port2 } = new MessageChannel();
    this.port = port1;
    const data: WorkerData = { url, port: port2, signal };
    this.worker = new Worker(new URL('./worker.js', import.meta.url), { workerData: data, transferList: [port2] });
    // A store left open must not keep a finished process alive.
    this.worker.unref();
    const reply = this.request({ kind: 'connect', create });
    if (!reply.ok) {
      this.close();
      throw new GlimpseError(
        'DATABASE_UNREACHABLE',
        `Cannot reach the PostgreSQL database ${redactUrl(url)}: ${reply.message}`,
      );
    }
  }

  /** Rows of one statement; `?` placeholders are numbered for PostgreSQL ($1, $2, …). */
  query<T = Row>(sql: string, params: unknown[] = []): T[] {
    return this.batch([{ sql, params }])[0] as T[];
  }

  /** Several statements in one round trip to the worker; their rows in order. */
  batch(statements: Statement[]): Row[][] {
    const reply = this.request({
      kind: 'query',
      statements: statements.map(({ sql, params }) => ({ sql: numberPlaceholders(sql), params: params?.map(toWire) })),
    });
    if (!reply.ok) {
      if (reply.connection)
        throw new GlimpseError(
          'DATABASE_UNREACHABLE',
          `Lost the connection to the PostgreSQL database ${redactUrl(this.url)}: ${reply.message}`,
        );
      throw new GlimpseError('DATABASE_ERROR', `PostgreSQL: ${reply.message}`, { cause: reply });
    }
    return reply.results;
  }

  close(): void {
    if (this.closed) return;
    this.request({ kind: 'close' });
    this.closed = true;
    this.port.close();
    void this.worker.terminate();
  }

  private request(request: Request): Reply {
    if (this.closed) throw new GlimpseError('DATABASE_ERROR', 'The PostgreSQL store is closed');
    Atomics.store(this.flag, 0, 0);
    this.port.postMessage(request);
    const deadline = Date.now() + QUERY_TIMEOUT_MS;
    for (;;) {
      const state = Atomics.wait(this.flag, 0, 0, 1000);
      const message = receiveMessageOnPort(this.port);
      if (message) return message.message as Reply;
      if (state !== 'timed-out' && Atomics.load(this.flag, 0) === 1) continue;
      if (Date.now() > deadline)
        return { ok: false, message: `no answer in ${QUERY_TIMEOUT_MS / 1000} s`, connection: true };
    }
  }
}

/** `?` → `$1`, `$2`… outside string literals (Glimpse's SQL never uses the jsonb `?` operator). */
export function numberPlaceholders(sql: string): string {
  let index = 0;
  let quoted = false;
  let out = '';
  for (const char of sql) {
    if (char === "'") quoted = !quoted;
    out += char === '?' && !quoted ? `$${++index}` : char;
  }
  return out;
}

/** Values as node-postgres sends them: Float32Array vectors as pgvector text, typed arrays as bytea. */
function toWire(value: unknown): unknown {
  if (value instanceof Float32Array) return `[${Array.from(value).join(',')}]`;
  if (value instanceof Uint8Array && !Buffer.isBuffer(value)) return Buffer.from(value);
  return value;
}
