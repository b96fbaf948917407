/**
 * `glimpse index --dry-run`: what a run would describe and roughly what it would cost, without calling the model.
 * Only image headers are read (and whole files only where the size or date changed, to hash them).
 */
import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { readImageHeader } from '../images/prepare.js';
import { isUrl } from '../images/read-input.js';
import { type CostEstimate, estimateCost, sumEstimates } from '../providers/cost.js';
import type { ImageDescriber } from '../providers/spec.js';
import type { DescriptionKey, Store } from '../storage/store.js';
import type { IndexEstimate } from '../types.js';
import { discoverInputs } from './discover.js';
import { unchangedSinceDescribed } from './indexer.js';

export async function estimateIndex(
  store: Store,
  describer: ImageDescriber,
  paths: string[],
  options: { force?: boolean } = {},
): Promise<IndexEstimate> {
  const key: DescriptionKey = {
    provider: describer.provider,
    requestedModel: describer.modelId,
    promptVersion: describer.promptVersion,
  };
  const provider = describer.provider.split(',')[0].trim();
  const discovered = await discoverInputs(paths);
  const estimates: CostEstimate[] = [];
  const unreadable = [...discovered.failures];
  let unchanged = 0;
  for (const path of discovered.files) {
    try {
      if (isUrl(path)) {
        // A URL's size is unknown until fetched: estimate for a typical 12-megapixel photo.
        estimates.push(estimateCost(provider, describer.modelId, 4000, 3000));
        continue;
      }
      const info = await stat(path);
      const known = store.imageByPath(path);
      if (!options.force && known && unchangedSinceDescribed(store, key, known, info)) {
        unchanged++;
        continue;
      }
      const bytes = await readFile(path);
      const sha256 = createHash('sha256').update(bytes).digest('hex');
      if (!options.force && store.isDescribed(sha256, key)) {
        unchanged++;
        continue;
      }
      const { width, height } = await readImageHeader(bytes, path);
      estimates.push(estimateCost(provider, describer.modelId, width, height));
    } catch (error) {
      unreadable.push({ path, error: { code: 'NOT_AN_IMAGE', message: `${path}: ${(error as Error).message}` } });
    }
  }
  return {
    total: discovered.files.length + discovered.failures.length,
    toDescribe: estimates.length,
    unchanged,
    unreadable,
    provider,
    model: describer.modelId,
    ...sumEstimates(estimates),
  };
}
