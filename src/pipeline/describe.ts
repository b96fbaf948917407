/**
 * Describing one input: load it (images/load-image.ts), call the provider, and shape the answer as a
 * CaptionResult. Used by `caption` and the indexer alike, so both check tasks and tag errors the same way.
 */
import { GlimpseError } from '../errors.js';
import { type LoadedImage, loadImage } from '../images/load-image.js';
import type { Description, ImageDescriber, Task } from '../providers/spec.js';
import type { CaptionOptions, CaptionResult, FailureResult } from '../types.js';
import { discoverInputs } from './discover.js';

export function checkTask(provider: ImageDescriber, task: Task, prompt?: string): void {
  if (!provider.capabilities.tasks.includes(task)) {
    throw new GlimpseError(
      'UNSUPPORTED_TASK',
      `Provider "${provider.provider}" cannot do the "${task}" task (it can: ${provider.capabilities.tasks.join(', ')})`,
    );
  }
  if (prompt && !provider.capabilities.prompt) {
    throw new GlimpseError('UNSUPPORTED_TASK', `Provider "${provider.provider}" does not take free prompts`, {
      hint: 'Use a vision-language model provider (openai, anthropic, gemini, ollama, local) for --prompt.',
    });
  }
}

/** Call the provider on a prepared image; errors are tagged with the image's path. */
export async function describePrepared(
  provider: ImageDescriber,
  loaded: LoadedImage,
  options: CaptionOptions = {},
): Promise<{ description: Description; ms: number }> {
  const task = options.task ?? 'caption';
  checkTask(provider, task, options.prompt);
  const started = performance.now();
  try {
    const description = await provider.describe({
      image: loaded.prepared.image,
      task,
      prompt: options.prompt,
      signal: options.signal,
    });
    return { description, ms: performance.now() - started };
  } catch (error) {
    if (error instanceof GlimpseError) {
      if (error.path) throw error;
      throw new GlimpseError(error.code, `${loaded.source}: ${error.message}`, {
        path: loaded.source,
        hint: error.hint,
        cause: error,
        retryable: error.isRetryable,
        retryAfterSeconds: error.retryAfterSeconds,
      });
    }
    throw new GlimpseError(
      'PROVIDER_ERROR',
      `${loaded.source}: provider "${provider.provider}" failed: ${(error as Error)?.message ?? error}`,
      {
        path: loaded.source,
        cause: error,
      },
    );
  }
}

export async function describeInput(
  provider: ImageDescriber,
  input: string | { bytes: Buffer; name: string },
  options: CaptionOptions,
  limits: { maxPixels?: number },
): Promise<CaptionResult> {
  checkTask(provider, options.task ?? 'caption', options.prompt);
  const loaded = await loadImage(input, { maxSide: provider.preferredImageSize, maxPixels: limits.maxPixels });
  const { description, ms } = await describePrepared(provider, loaded, options);
  return toCaptionResult(loaded.source, provider.provider, description, ms);
}

export function toCaptionResult(path: string, provider: string, description: Description, ms: number): CaptionResult {
  const result: CaptionResult = {
    path,
    caption: description.caption,
    tags: description.tags ?? [],
    text: description.text,
    objects: description.objects ?? [],
    safety: description.safety,
    provider,
    model: description.model,
    ms: Math.round(ms),
    detailed: description.detailed,
    alt: description.alt,
  };
  if (description.answer !== undefined) result.answer = description.answer;
  if (description.textRegions?.length) result.textRegions = description.textRegions;
  if (description.fields) result.fields = description.fields;
  if (description.usage) result.usage = description.usage;
  if (description.chain) result.chain = description.chain;
  return result;
}

/** Inputs for `caption`: folders expanded, unreadable entries reported as failures. */
export async function expandInputs(inputs: string[]): Promise<{ files: string[]; failures: FailureResult[] }> {
  const { files, failures } = await discoverInputs(inputs);
  return { files, failures };
}
