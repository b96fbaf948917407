/**
 * `caption`: describe one image file, URL or buffer without storing anything.
 */
import type { CaptionOptions, CaptionResult, ImageInput } from '../types.js';
import type { Parts } from './parts.js';

export async function caption(parts: Parts, input: ImageInput, options: CaptionOptions = {}): Promise<CaptionResult> {
  const { describeInput } = await import('../pipeline/describe.js');
  return describeInput(await parts.describer(), input, options, { maxPixels: parts.settings.maxPixels });
}
