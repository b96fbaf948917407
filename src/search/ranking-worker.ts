/**
 * One worker thread of the parallel full-text ranker (see full-text.ts): its own read-only connection to the
 * library, answering { id, sql, parameters } with the rows of that query.
 */
import { parentPort, workerData } from 'node:worker_threads';
import Database, { type Statement } from 'better-sqlite3';
import { loadWeightedBm25 } from './native-ranking.js';
import { preparedIn } from './statements.js';

export interface RankingWorkerData {
  path: string;
  /** Load weighted_bm25 (the main thread uses it). */
  native: boolean;
}

export interface RankingRequest {
  id: number;
  sql: string;
  parameters: unknown[];
}

/** Ranked rows ({ id, score }), or the one row of weighted_bm25_top ({ top }). */
export type RankingReply = { id: number; rows: unknown[] } | { id: number; error: string };

const { path, native } = workerData as RankingWorkerData;
const db = new Database(path, { readonly: true, fileMustExist: true });
db.pragma('busy_timeout = 5000');
if (native) loadWeightedBm25(db);

/** Prepared once per SQL text (full-text.ts sends one text per number of phrases and filter). */
const statements = new Map<string, Statement>();

parentPort!.on('message', (request: RankingRequest) => {
  let reply: RankingReply;
  try {
    reply = {
      id: request.id,
      rows: preparedIn(statements, db, request.sql).all(...request.parameters),
    };
  } catch (error) {
    reply = { id: request.id, error: (error as Error).message };
  }
  parentPort!.postMessage(reply);
});
