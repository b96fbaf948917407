/**
 * `ask`: answer a question about one image.
 */
import { GlimpseError } from '../errors.js';
import type { AskResult, ImageInput } from '../types.js';
import type { Parts } from './parts.js';

export async function ask(
  parts: Parts,
  input: ImageInput,
  question: string,
  options: { signal?: AbortSignal } = {},
): Promise<AskResult> {
  const provider = await parts.describer();
  if (!provider.ask) {
    throw new GlimpseError('UNSUPPORTED_TASK', `Provider "${provider.provider}" cannot answer questions about images`);
  }
  const { loadImage } = await import('../images/load-image.js');
  const loaded = await loadImage(input, { maxSide: provider.preferredImageSize, maxPixels: parts.settings.maxPixels });
  const started = performance.now();
  const answer = await provider.ask({ image: loaded.prepared.image, question, signal: options.signal });
  return {
    path: loaded.source,
    question,
    answer: answer.answer,
    answered: answer.answered,
    provider: provider.provider,
    model: answer.model,
    ms: Math.round(performance.now() - started),
  };
}
