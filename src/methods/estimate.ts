/**
 * `estimate`: what `index` would describe and roughly cost, without calling the model (`--dry-run`).
 */
import type { IndexEstimate } from '../types.js';
import { describerToName, type Parts } from './parts.js';

export async function estimate(
  parts: Parts,
  paths: string[],
  options: { force?: boolean } = {},
): Promise<IndexEstimate> {
  const { estimateIndex } = await import('../pipeline/estimate.js');
  return estimateIndex(parts.store, await describerToName(parts), paths, options);
}
