/**
 * The transformers.js runtime, shared by every local model: loaded lazily (so commands that never run a model never
 * pay for onnxruntime), offline unless pulling, with a bounded number of ONNX threads, and with each model loaded
 * once per process and kept warm for as long as any describer or embedder uses it.
 */
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { GlimpseError } from '../../errors.js';
import type { PreparedImage, ProviderSettings } from '../spec.js';
import {
  canonicalModelId,
  checkModelFolder,
  DTYPE_SUFFIXES,
  type Dtype,
  LAYOUTS,
  type ModelCheck,
  modelDirectory,
} from './model-directory.js';

export type Transformers = typeof import('@huggingface/transformers');

let transformers: Promise<Transformers> | undefined;

export function loadTransformers(): Promise<Transformers> {
  transformers ??= import('@huggingface/transformers').then((module) => {
    // Offline by default: files come from the model dir only. `pullModel` downloads with its own fetch.
    module.env.allowRemoteModels = false;
    module.env.allowLocalModels = true;
    return module;
  });
  return transformers;
}

export interface LocalSettings {
  directory: string;
  id: string;
  dtype?: Dtype;
  threads: number;
}

/** Reads the local provider's options: model dir, dtype (`options.dtype`), ONNX threads (`options.threads`, default ≤ 2). */
export function localSettings(settings: ProviderSettings, id: string): LocalSettings {
  const options = settings.options ?? {};
  const dtype = typeof options.dtype === 'string' ? (options.dtype as Dtype) : undefined;
  if (dtype && !Object.hasOwn(DTYPE_SUFFIXES, dtype)) {
    throw new GlimpseError('USAGE', `Unknown dtype "${dtype}" for the local provider`, {
      hint: `Use one of ${Object.keys(DTYPE_SUFFIXES).join(', ')}.`,
    });
  }
  const threads = Number(options.threads ?? Math.min(2, availableParallelism()));
  return {
    directory: modelDirectory(settings),
    id,
    dtype,
    threads: Number.isFinite(threads) && threads >= 1 ? Math.floor(threads) : 1,
  };
}

/** Options every `from_pretrained` call gets: one intra-op thread pool of bounded size, fp32 unless told otherwise. */
export function loadOptions(check: ModelCheck, threads: number) {
  return {
    dtype: check.dtype,
    device: 'cpu' as const,
    local_files_only: true,
    session_options: { intraOpNumThreads: threads, interOpNumThreads: 1 },
  };
}

interface WarmEntry {
  value: Promise<unknown>;
  users: number;
  dispose: (value: unknown) => Promise<void>;
  /** The tail of this model's run queue (see `exclusive`). */
  queue: Promise<unknown>;
}

const warm = new Map<string, WarmEntry>();

/**
 * Loads a model once per process: later callers with the same folder, dtype and threads share it. Each caller
 * gets a `release` that frees the model when the last user lets go.
 */
export async function acquireModel<T>(
  kind: string,
  settings: LocalSettings,
  load: (check: ModelCheck, runtime: Transformers) => Promise<T>,
  dispose: (value: T) => Promise<void>,
): Promise<{
  model: T;
  check: ModelCheck;
  runtime: Transformers;
  /** Runs work on this model one call at a time (see below). */
  exclusive: <R>(work: () => Promise<R>) => Promise<R>;
  release: () => Promise<void>;
}> {
  const check = checkModelFolder(settings.id, settings.directory, settings.dtype);
  const key = `${kind}\u0000${check.folder}\u0000${check.dtype}\u0000${settings.threads}`;
  let entry = warm.get(key);
  if (!entry) {
    const value = loadTransformers()
      .then((runtime) => load(check, runtime))
      .catch((error) => {
        warm.delete(key);
        throw loadError(settings.id, check, error);
      });
    entry = { value, users: 0, dispose: dispose as (value: unknown) => Promise<void>, queue: Promise.resolve() };
    warm.set(key, entry);
  }
  entry.users += 1;
  const model = (await entry.value) as T;
  const runtime = await loadTransformers();
  const shared = entry;
  let released = false;
  return {
    model,
    check,
    runtime,
    // The indexer describes several images at once; letting them all into onnxruntime together would multiply the
    // threads each run uses and make every run slower. Calls on one model take turns instead.
    exclusive: <R>(work: () => Promise<R>) => {
      const result = shared.queue.then(work, work);
      shared.queue = result.catch(() => undefined);
      return result;
    },
    release: async () => {
      if (released) return;
      released = true;
      if (--shared.users > 0) return;
      if (warm.get(key) === shared) warm.delete(key);
      await shared.dispose(model).catch(() => undefined);
    },
  };
}

/** How many models are loaded right now (for tests and `glimpse status`). */
export function warmModelCount(): number {
  return warm.size;
}

/**
 * A file that exists but does not load is damaged (truncated download, wrong format): name it and say how to
 * fetch it again, instead of onnxruntime's protobuf message.
 */
function loadError(id: string, check: ModelCheck, error: unknown): GlimpseError {
  if (error instanceof GlimpseError) return error;
  const message = (error as Error)?.message ?? String(error);
  const suffix = DTYPE_SUFFIXES[check.dtype];
  const files = LAYOUTS[check.architecture].onnx.map((name) => `onnx/${name}${suffix}.onnx`);
  const named =
    files.find((file) => message.includes(file)) ?? files.find((file) => message.includes(file.split('/')[1]));
  const path = named ? join(check.folder, named) : check.folder;
  return new GlimpseError(
    'MODEL_NOT_FOUND',
    `Local model "${id}": ${path} could not be loaded (${firstLine(message)})`,
    {
      path,
      cause: error,
      hint: `The file is damaged or incomplete: run \`glimpse models pull ${canonicalModelId(id)}\` again, or copy the folder again to ${check.folder}.`,
    },
  );
}

function firstLine(text: string): string {
  return (
    text
      .split('\n')
      .find((line) => line.trim())
      ?.trim()
      .slice(0, 300) ?? text
  );
}

/** The pipeline hands over decoded, downscaled pixels; transformers.js takes them as a RawImage without re-decoding. */
export async function toRawImage(runtime: Transformers, image: PreparedImage) {
  const { data, width, height } = await image.pixels();
  return new runtime.RawImage(new Uint8ClampedArray(data.buffer, data.byteOffset, data.byteLength), width, height, 3);
}

/** The image side a model's preprocessor resizes to, so the pipeline downscales no further than needed. */
export function preprocessorImageSize(config: Record<string, unknown> | undefined, fallback: number): number {
  const size = config?.size as Record<string, number> | number | undefined;
  if (typeof size === 'number') return size;
  const side = Math.max(size?.height ?? 0, size?.width ?? 0, size?.shortest_edge ?? 0, size?.longest_edge ?? 0);
  return side > 0 ? side : fallback;
}
