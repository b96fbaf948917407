/** Running an evaluation over many images: bounded concurrency, results in input order, failures collected. */
import { GlimpseError } from '../errors.js';

/** Run `work` over items with at most `limit` in flight; results come back in input order. */
export async function mapConcurrent<T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index], index);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, lane));
  return results;
}

export interface ImageFailure {
  file: string;
  error: { code: string; message: string };
}

/**
 * Apply `work` to each manifest entry; an entry whose work throws is listed in `failed` (with the error's code)
 * and left out of `done`. Throws when nothing succeeded, since a table of zeros would mislead.
 */
export async function overImages<E extends { file: string }, R>(
  entries: readonly E[],
  options: { concurrency?: number; onProgress?: (phase: string, done: number, total: number) => void; phase: string },
  work: (entry: E) => Promise<R>,
): Promise<{ done: R[]; failed: ImageFailure[] }> {
  const failed: ImageFailure[] = [];
  let finished = 0;
  const results = await mapConcurrent(
    entries,
    options.concurrency ?? 1,
    async (entry): Promise<{ value: R } | null> => {
      try {
        return { value: await work(entry) };
      } catch (error) {
        failed.push({
          file: entry.file,
          error: GlimpseError.is(error) ? error.toJSON() : { code: 'INTERNAL', message: String(error) },
        });
        return null;
      } finally {
        options.onProgress?.(options.phase, ++finished, entries.length);
      }
    },
  );
  const done = results.filter((entry): entry is { value: R } => entry !== null).map((entry) => entry.value);
  if (done.length === 0) throw nothingScored(failed);
  return { done, failed };
}

export function nothingScored(failed: readonly ImageFailure[]): GlimpseError {
  return new GlimpseError('USAGE', `No image could be scored: ${failed[0]?.error.message ?? 'the manifest is empty'}`, {
    hint: "Check the provider (`glimpse models`) and that the manifest's files exist.",
  });
}
