/**
 * `estimate`: what `index` would describe and roughly cost, without calling the model (`--dry-run`).
 */
import { GlimpseError } from '../errors.js';
import type { IndexEstimate } from '../types.js';
import type { Parts } from './parts.js';

export async function estimate(
  parts: Parts,
  paths: string[],
  options: { force?: boolean } = {},
): Promise<IndexEstimate> {
  const { estimateIndex } = await import('../pipeline/estimate.js');
  return estimateIndex(parts.store, await describerToName(parts), paths, options);
}

/** The describer, or when it cannot be made without an API key, one that is only named: an estimate calls no model. */
async function describerToName(parts: Parts) {
  try {
    return await parts.describer();
  } catch (error) {
    if (parts.describerToName && error instanceof GlimpseError && error.code === 'PROVIDER_AUTH')
      return parts.describerToName();
    throw error;
  }
}
