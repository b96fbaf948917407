/**
 * `captionMany`: describe many inputs (folders are expanded), yielding each result or failure as it is ready, in
 * input order so that output is stable for scripts.
 */
import { type ErrorCode, GlimpseError, isFatal } from '../errors.js';
import type { CaptionOptions, CaptionResult, FailureResult } from '../types.js';
import type { Parts } from './parts.js';

export async function* captionMany(
  parts: Parts,
  inputs: string[],
  options: CaptionOptions & { concurrency?: number } = {},
): AsyncGenerator<CaptionResult | FailureResult> {
  const provider = await parts.describer();
  const { describeInput, expandInputs } = await import('../pipeline/describe.js');
  const { files, failures } = await expandInputs(inputs);
  yield* failures;
  const concurrency = Math.max(1, options.concurrency ?? parts.settings.concurrency ?? 2);
  const pending: Promise<CaptionResult | FailureResult>[] = [];
  const start = (file: string) =>
    describeInput(provider, file, options, { maxPixels: parts.settings.maxPixels }).catch(
      (error): FailureResult => ({
        path: file,
        error: GlimpseError.is(error) ? error.toJSON() : { code: 'INTERNAL', message: String(error) },
      }),
    );
  let next = 0;
  let fatal: FailureResult | undefined;
  const isFatalResult = (result: CaptionResult | FailureResult) => 'error' in result && isFatal(result.error.code);
  // The first image goes alone: a refused key or a server that is down then costs one request, not `concurrency`.
  if (files.length > 0) {
    const first = await start(files[next++]);
    if (isFatalResult(first)) fatal = first as FailureResult;
    yield first;
  }
  while (next < files.length || pending.length > 0) {
    while (!fatal && next < files.length && pending.length < concurrency) pending.push(start(files[next++]));
    if (pending.length === 0) break;
    const result = await pending.shift()!;
    // A refused key or an unreachable server fails every image alike: stop asking, report it once.
    if (isFatalResult(result)) fatal ??= result as FailureResult;
    yield result;
  }
  if (fatal) {
    throw new GlimpseError(fatal.error.code as ErrorCode, fatal.error.message.split(' — ')[0], { path: fatal.path });
  }
}
