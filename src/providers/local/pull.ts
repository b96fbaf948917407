/**
 * `glimpse models pull <id>`: downloads a model's files from the Hugging Face hub (or a mirror: `HF_ENDPOINT`,
 * `options.hub`) into `<model dir>/<id>/`, the layout transformers.js reads offline. It fetches config.json first,
 * reads the architecture from it, then fetches exactly the files that architecture loads, for one dtype.
 * Each file is written beside its final name and renamed when complete, so an interrupted pull never leaves a
 * truncated file that looks whole.
 */
import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { GlimpseError } from '../../errors.js';
import type { ProviderSettings } from '../spec.js';
import {
  architectureOf,
  canonicalModelId,
  checkModelFolder,
  DTYPE_SUFFIXES,
  type Dtype,
  LAYOUTS,
  modelDirectory,
} from './model-directory.js';

export interface PullProgress {
  file: string;
  /** Bytes of this file received so far, and its size when the server said. */
  loaded: number;
  total: number | null;
  fileIndex: number;
  fileCount: number;
}

export interface PullOptions {
  /** Defaults to `modelDirectory(settings)`. */
  directory?: string;
  settings?: ProviderSettings;
  /** Hub base URL; default `HF_ENDPOINT`, else https://huggingface.co. */
  hub?: string;
  dtype?: Dtype;
  revision?: string;
  onProgress?: (progress: PullProgress) => void;
  signal?: AbortSignal;
}

export interface PullResult {
  id: string;
  path: string;
  files: string[];
  bytes: number;
}

/** Files worth having when the repository has them, though no architecture needs them. */
const OPTIONAL_FILES = ['generation_config.json', 'special_tokens_map.json'];

export async function pullModel(requested: string, options: PullOptions = {}): Promise<PullResult> {
  const settings = options.settings ?? {};
  const env = settings.env ?? process.env;
  const id = canonicalModelId(requested);
  const directory = options.directory ?? modelDirectory(settings);
  const hub = (options.hub ?? env.HF_ENDPOINT ?? 'https://huggingface.co').replace(/\/+$/, '');
  const revision = options.revision ?? 'main';
  const dtype = options.dtype ?? 'fp32';
  const folder = join(directory, id);
  const headers: Record<string, string> = env.HF_TOKEN ? { authorization: `Bearer ${env.HF_TOKEN}` } : {};
  const urlOf = (file: string) => `${hub}/${id}/resolve/${encodeURIComponent(revision)}/${file}`;

  const configResponse = await request(urlOf('config.json'), hub, id, directory, headers, options.signal);
  if (!configResponse) {
    throw new GlimpseError('MODEL_NOT_FOUND', `"${id}" was not found on ${hub}`, {
      hint: `Check the id (aliases: florence-2-base, florence-2-large, vit-gpt2, clip, siglip, minilm) or copy the folder to ${folder}.`,
    });
  }
  const configText = await configResponse.text();
  let modelType: string | undefined;
  try {
    modelType = JSON.parse(configText).model_type;
  } catch {
    throw new GlimpseError('PROVIDER_BAD_OUTPUT', `${urlOf('config.json')} is not JSON`, { retryable: true });
  }
  const architecture = architectureOf(modelType);
  if (!architecture) {
    throw new GlimpseError(
      'MODEL_NOT_FOUND',
      `"${id}" has model_type "${modelType}", which the local provider cannot run`,
      {
        hint: 'Supported: florence2, vision-encoder-decoder (vit-gpt2), clip, siglip, and BERT-like sentence encoders.',
      },
    );
  }

  const required = [
    ...LAYOUTS[architecture].json.filter((file) => file !== 'config.json'),
    ...LAYOUTS[architecture].onnx.map((name) => `onnx/${name}${DTYPE_SUFFIXES[dtype]}.onnx`),
  ];
  const files = ['config.json', ...required, ...OPTIONAL_FILES.filter((file) => !required.includes(file))];
  const written: string[] = [];
  let bytes = 0;
  for (const [index, file] of files.entries()) {
    const report = (loaded: number, total: number | null) =>
      options.onProgress?.({ file, loaded, total, fileIndex: index, fileCount: files.length });
    const response =
      file === 'config.json' ? null : await request(urlOf(file), hub, id, directory, headers, options.signal);
    if (file !== 'config.json' && !response) {
      if (OPTIONAL_FILES.includes(file)) continue;
      throw new GlimpseError('MODEL_NOT_FOUND', `${urlOf(file)} was not found`, {
        hint: `The repository has no ${dtype} export of this file; try another --dtype (fp32, q8, fp16, q4).`,
      });
    }
    const target = join(folder, file);
    await mkdir(dirname(target), { recursive: true });
    const partial = `${target}.partial`;
    try {
      if (file === 'config.json') {
        await writeFile(partial, configText);
        report(configText.length, configText.length);
      } else {
        const total = Number(response!.headers.get('content-length')) || null;
        let loaded = 0;
        const counted = Readable.fromWeb(response!.body as import('node:stream/web').ReadableStream<Uint8Array>);
        counted.on('data', (chunk: Buffer) => {
          loaded += chunk.length;
          report(loaded, total);
        });
        await pipeline(counted, createWriteStream(partial), { signal: options.signal });
      }
      await rename(partial, target);
    } catch (error) {
      await rm(partial, { force: true });
      if (error instanceof GlimpseError) throw error;
      throw new GlimpseError('URL_UNREACHABLE', `Download of ${urlOf(file)} failed: ${(error as Error).message}`, {
        cause: error,
      });
    }
    bytes += (await stat(target)).size;
    written.push(file);
  }
  // What was written must load: the same check every model load makes.
  checkModelFolder(id, directory, dtype);
  return { id, path: folder, files: written, bytes };
}

/** A GET that returns null on 404 and a clear error when the hub cannot be reached or refuses. */
async function request(
  url: string,
  hub: string,
  id: string,
  directory: string,
  headers: Record<string, string>,
  signal?: AbortSignal,
): Promise<Response | null> {
  let response: Response;
  try {
    response = await fetch(url, { headers, signal: signal ?? AbortSignal.timeout(30_000), redirect: 'follow' });
  } catch (error) {
    const reason = (error as { cause?: { code?: string; message?: string } }).cause;
    throw new GlimpseError(
      'URL_UNREACHABLE',
      `The model hub ${hub} is not reachable (${reason?.code ?? reason?.message ?? (error as Error).message}); cannot pull "${id}"`,
      {
        cause: error,
        hint: `Download the model folder on a machine with access (e.g. \`git clone ${hub}/${id}\`) and copy it to ${join(directory, id)}, or set HF_ENDPOINT to a reachable mirror.`,
      },
    );
  }
  if (response.status === 404) return null;
  if (!response.ok || !response.body) {
    throw new GlimpseError('URL_HTTP_ERROR', `${url} answered HTTP ${response.status}`, {
      hint:
        response.status === 401 || response.status === 403
          ? 'The model is gated or private: set HF_TOKEN to a token that may read it.'
          : undefined,
    });
  }
  return response;
}
