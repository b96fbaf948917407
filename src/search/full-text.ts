/**
 * The full-text ranker: one FTS5 query, bm25 with per-column weights, best `pool` rows first.
 */
import type { Store } from '../storage/store.js';
import type { Filter } from './search.js';

/** bm25 column weights: caption, tags, detailed, text, concepts, path. */
export const COLUMN_WEIGHTS = [10, 6, 3, 1.5, 1, 2] as const;

export interface RankedRow {
  id: number;
  score: number;
}

export function rankFullText(store: Store, expression: string, filter: Filter, pool: number): RankedRow[] {
  return store.db
    .prepare(
      // Join the images table only when a filter needs it: for thousands of matches the join costs as much as bm25.
      `SELECT s.rowid AS id, -bm25(search_index, ${COLUMN_WEIGHTS.join(', ')}) AS score
       FROM search_index s ${filter.where ? `JOIN images i ON i.id = s.rowid ${filter.join}` : ''}
       WHERE search_index MATCH ? ${filter.where} ORDER BY score DESC LIMIT ?`,
    )
    .all(expression, ...filter.parameters, pool) as RankedRow[];
}
