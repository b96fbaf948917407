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
import { redactUrl } from '../location.js';
import type { Ask, Reply, Statement, WorkerData } from './worker.js';

export type Row = Record<string, unknown>;

/**
 * What this process's stores asked PostgreSQL: `waits`, the round trips the calling thread stopped for; `sent`, the
 * requests sent without waiting; `statements`, in all. (The bench reports them per image.)
 */
export const storeTraffic = { waits: 0, sent: 0, statements: 0 };

const PROFILE = process.env.GLIMPSE_PG_PROFILE === '1';
const PROFILE_TOTALS: Record<string, { calls: number; ms: number }> = {};
if (PROFILE)
  process.on('exit', () => {
    const rows = Object.entries(PROFILE_TOTALS).sort((a, b) => b[1].ms - a[1].ms);
    const all = rows.reduce((sum, [, e]) => sum + e.ms, 0);
    process.stderr.write(
      `pg-profile total ${all.toFixed(0)} ms in ${rows.reduce((s, [, e]) => s + e.calls, 0)} calls, uptime ${performance.now().toFixed(0)} ms\n`,
    );
    for (const [key, e] of rows) process.stderr.write(`pg-profile ${e.calls}\t${e.ms.toFixed(0)}\t${key}\n`);
  });

/** A query that has not answered in this long is given up on (a hung server must not hang Glimpse for ever). */
const QUERY_TIMEOUT_MS = Number(process.env.GLIMPSE_PG_TIMEOUT_MS ?? 10 * 60_000);

export class PostgresConnection {
  private readonly worker: Worker;
  private readonly port: MessageChannel['port1'];
  private readonly flag: Int32Array;
  private closed = false;
  private lastId = 0;
  /** Deferred statements (`defer`), sent ahead of the next request that waits. */
  private readonly pending: Statement[] = [];

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

  /**
   * Several statements in one round trip to the worker; their rows in order. Statements deferred before (`defer`)
   * go first, in the same round trip: a failure among them fails this call.
   */
  batch(statements: Statement[]): Row[][] {
    const deferred = this.pending.length;
    const all = deferred > 0 ? [...this.pending.splice(0), ...statements] : statements;
    const reply = this.request({ kind: 'query', statements: all.map(toWireStatement) });
    if (!reply.ok) throw this.failure(reply);
    return deferred > 0 ? reply.results.slice(deferred) : reply.results;
  }

  /**
   * Statements whose rows nobody needs, inside a transaction (BEGIN, its writes): they travel with the next
   * statement that must answer (or COMMIT), so a transaction of writes costs one round trip, not one per statement.
   */
  defer(statement: Statement): void {
    this.pending.push(statement);
  }

  /** Whether `statement` was deferred and has not been sent yet. */
  isPending(statement: Statement): boolean {
    return this.pending.includes(statement);
  }

  /** Drops the deferred statements from `statement` on (a transaction or savepoint abandoned before reaching the server). */
  discardFrom(statement: Statement): void {
    const at = this.pending.indexOf(statement);
    if (at >= 0) this.pending.splice(at);
  }

  /** Drops every deferred statement (a transaction rolled back). */
  discardPending(): void {
    this.pending.length = 0;
  }

  /**
   * Writes whose outcome the caller need not wait for (releasing a claim, clearing a failure once an image is
   * stored): sent now and run in order before whatever is asked next, while this thread goes on. Their failure
   * (after the worker's reconnect attempts) is reported as a warning: what they undo lapses or is redone anyway.
   */
  send(statements: Statement[]): void {
    if (this.pending.length > 0) {
      for (const statement of statements) this.pending.push(statement);
      return;
    }
    storeTraffic.sent++;
    this.post({ kind: 'query', statements: statements.map(toWireStatement) });
  }

  close(): void {
    if (this.closed) return;
    this.request({ kind: 'close' });
    this.closed = true;
    this.port.close();
    void this.worker.terminate();
  }

  private failure(reply: Extract<Reply, { ok: false }>): GlimpseError {
    if (reply.connection)
      return new GlimpseError(
        'DATABASE_UNREACHABLE',
        `Lost the connection to the PostgreSQL database ${redactUrl(this.url)}: ${reply.message}`,
      );
    return new GlimpseError('DATABASE_ERROR', `PostgreSQL: ${reply.message}`, { cause: reply });
  }

  private post(request: Ask): number {
    if (this.closed) throw new GlimpseError('DATABASE_ERROR', 'The PostgreSQL store is closed');
    const id = ++this.lastId;
    if (request.kind === 'query') storeTraffic.statements += request.statements.length;
    this.port.postMessage({ ...request, id });
    return id;
  }

  private request(request: Ask): Reply {
    if (!PROFILE) return this.wait(request);
    const started = performance.now();
    const reply = this.wait(request);
    const key =
      request.kind === 'query'
        ? request.statements.map((statement) => statement.sql.trim().split(/\s+/).slice(0, 4).join(' ')).join(' | ')
        : request.kind;
    const entry = (PROFILE_TOTALS[key] ??= { calls: 0, ms: 0 });
    entry.calls++;
    entry.ms += performance.now() - started;
    return reply;
  }

  /** Posts the request and sleeps until its reply (the worker counts replies in `flag`), reading others' on the way. */
  private wait(request: Ask): Reply {
    storeTraffic.waits++;
    const seen = Atomics.load(this.flag, 0);
    const id = this.post(request);
    const deadline = Date.now() + QUERY_TIMEOUT_MS;
    let replies = seen;
    for (;;) {
      for (let message = receiveMessageOnPort(this.port); message; message = receiveMessageOnPort(this.port)) {
        const reply = message.message as Reply;
        if (reply.id === id) return reply;
        this.answered(reply);
      }
      if (Atomics.wait(this.flag, 0, replies, 1000) === 'timed-out' && Date.now() > deadline)
        return { id, ok: false, message: `no answer in ${QUERY_TIMEOUT_MS / 1000} s`, connection: true };
      replies = Atomics.load(this.flag, 0);
    }
  }

  /** The reply to a write sent without waiting. */
  private answered(reply: Reply): void {
    if (!reply.ok) process.emitWarning(`A write to the PostgreSQL library failed: ${this.failure(reply).message}`);
  }
}

function toWireStatement({ sql, params }: Statement): Statement {
  return { sql: numberPlaceholders(sql), params: params?.map(toWire) };
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
