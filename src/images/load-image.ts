/**
 * Reading one image input into what every verb needs: its bytes, its content hash (the key descriptions are
 * stored under) and a decoded copy downscaled for a provider. Lives with the other image code because captioning,
 * the indexer and similar-image search all start here.
 */
import { createHash } from 'node:crypto';
import { GlimpseError } from '../errors.js';
import { type Prepared, prepareImage } from './prepare.js';
import { readInput } from './read-input.js';

export interface LoadedImage {
  source: string;
  bytes: Buffer;
  sha256: string;
  prepared: Prepared;
}

export async function loadImage(
  input: string | { bytes: Buffer; name: string; sha256?: string },
  options: { maxSide: number; maxPixels?: number },
): Promise<LoadedImage> {
  const source = typeof input === 'string' ? input : input.name;
  const bytes = typeof input === 'string' ? await readInput(input) : input.bytes;
  if (bytes.length === 0)
    throw new GlimpseError('EMPTY_FILE', `${source}: the file is empty (0 bytes)`, { path: source });
  const sha256 = (typeof input !== 'string' && input.sha256) || createHash('sha256').update(bytes).digest('hex');
  const prepared = await prepareImage(bytes, source, options);
  return { source, bytes, sha256, prepared };
}
