/**
 * The `local` provider: specialised models run in-process on CPU with transformers.js (ONNX), no server.
 *
 * Describers: Florence-2 (caption, detailed, alt, tags/objects, ocr, json) and vit-gpt2 (caption). Embedders: CLIP
 * and SigLIP (texts and images, one space) and sentence encoders such as MiniLM (texts). `--model` picks a model by
 * alias (florence-2-base, florence-2-large, vit-gpt2, clip, siglip, minilm), by id under the model dir, or by folder
 * path; the architecture is read from the folder's config.json.
 *
 * Settings (`ProviderSettings.options`):
 * - `modelDir`: where ids resolve (the CLI's `--model-dir`); else `GLIMPSE_MODELS`; else `~/.cache/glimpse/models`.
 * - `embeddingModel`: the embedder's model. Without it `createEmbedder` uses `settings.model` when that is an
 *   embedding model, else CLIP when present, else MiniLM.
 * - `dtype`: fp32, q8, fp16, q4… (default: the first complete set of files present, fp32 first).
 * - `threads`: ONNX intra-op threads per model (default min(2, cores)).
 * - `maxNewTokens`: cap on generated tokens; `detailedTask`: `<DETAILED_CAPTION>` or `<MORE_DETAILED_CAPTION>`
 *   (default); `objectsTask`: `<OD>` (default) or `<DENSE_REGION_CAPTION>` (region captions as object labels);
 *   `ocr: false` leaves OCR out of Florence-2's json task.
 */
import { GlimpseError } from '../../errors.js';
import { requireEnglish } from '../options.js';
import type { Embedder, ImageDescriber, ProviderFactory, ProviderSettings } from '../spec.js';
import { createClipEmbedder } from './clip-embedder.js';
import { createFlorence2Describer, type FlorenceTask } from './florence2-describer.js';
import { manifest } from './manifest.js';
import {
  bestLocalCaptioner,
  checkModelFolder,
  listLocalModels,
  MODEL_ALIASES,
  modelDirectory,
} from './model-directory.js';
import { localSettings } from './runtime.js';
import { createSentenceEmbedder } from './sentence-embedder.js';
import { createVitGpt2Captioner } from './vit-gpt2-captioner.js';

export type { LocalModel } from './model-directory.js';
export { bestLocalCaptioner, listLocalModels, MODEL_ALIASES, modelDirectory } from './model-directory.js';
export { pullModel } from './pull.js';
export { manifest };

function noCaptioner(directory: string): GlimpseError {
  return new GlimpseError('MODEL_NOT_FOUND', `No local captioning model in ${directory}`, {
    path: directory,
    hint: 'Run `glimpse models pull florence-2-base` (or vit-gpt2) where the Hugging Face hub is reachable, copy a model folder there, or point --model-dir / GLIMPSE_MODELS at one.',
  });
}

async function createDescriber(settings: ProviderSettings): Promise<ImageDescriber> {
  requireEnglish('local', settings.options);
  const directory = modelDirectory(settings);
  const id = settings.model ?? bestLocalCaptioner(directory);
  if (!id) throw noCaptioner(directory);
  const local = localSettings(settings, id);
  const { architecture } = checkModelFolder(id, directory, local.dtype);
  const options = settings.options ?? {};
  const maxNewTokens = typeof options.maxNewTokens === 'number' ? options.maxNewTokens : undefined;
  if (architecture === 'florence2') {
    const detailedTask: FlorenceTask =
      options.detailedTask === '<DETAILED_CAPTION>' ? '<DETAILED_CAPTION>' : '<MORE_DETAILED_CAPTION>';
    const objectsTask: FlorenceTask =
      options.objectsTask === '<DENSE_REGION_CAPTION>' ? '<DENSE_REGION_CAPTION>' : '<OD>';
    return createFlorence2Describer(local, {
      maxNewTokens,
      detailedTask,
      objectsTask,
      ocrInJson: options.ocr !== false,
    });
  }
  if (architecture === 'vit-gpt2') return createVitGpt2Captioner(local, maxNewTokens ?? 30);
  throw new GlimpseError(
    'USAGE',
    `Local model "${id}" is an embedding model (${architecture}); it cannot describe images`,
    {
      hint: 'Use it as the embedder (--embedder local), and a captioner such as florence-2-base or vit-gpt2 as --model.',
    },
  );
}

/** Which embedding model `createEmbedder` uses for these settings (see the header). */
export function embeddingModelId(settings: ProviderSettings): string {
  const directory = modelDirectory(settings);
  const chosen = settings.options?.embeddingModel;
  if (typeof chosen === 'string' && chosen) return chosen;
  if (settings.model) {
    try {
      const { architecture } = checkModelFolder(settings.model, directory);
      if (architecture === 'clip' || architecture === 'sentence') return settings.model;
    } catch {
      // Not a usable embedding model: fall through to the defaults.
    }
  }
  const present = new Set(listLocalModels(directory).map((model) => model.id));
  return ['clip', 'minilm'].find((alias) => present.has(MODEL_ALIASES[alias]!)) ?? 'clip';
}

async function createEmbedder(settings: ProviderSettings): Promise<Embedder> {
  const id = embeddingModelId(settings);
  const local = localSettings(settings, id);
  const { architecture } = checkModelFolder(id, local.directory, local.dtype);
  if (architecture === 'clip') return createClipEmbedder(local);
  if (architecture === 'sentence') return createSentenceEmbedder(local);
  throw new GlimpseError('USAGE', `Local model "${id}" is a captioner (${architecture}), not an embedding model`, {
    hint: 'Choose an embedding model with options.embeddingModel: clip (texts and images) or minilm (texts).',
  });
}

export const factory: ProviderFactory = {
  name: manifest.name,
  description: manifest.description,
  models: manifest.models,
  createDescriber,
  createEmbedder,
  async modelsPresent(settings) {
    return listLocalModels(modelDirectory(settings)).map(({ id, architecture, sizeBytes, dtype, dtypes }) => ({
      id,
      architecture,
      sizeBytes,
      dtype,
      dtypes,
    }));
  },
  async readiness(settings) {
    const directory = modelDirectory(settings);
    try {
      const id = settings.model ?? bestLocalCaptioner(directory);
      if (!id) return { ready: false, detail: noCaptioner(directory).advice };
      const check = checkModelFolder(id, directory);
      return { ready: true, detail: `${id}: ${check.modelType} (${check.dtype}) in ${check.folder}` };
    } catch (error) {
      return { ready: false, detail: error instanceof GlimpseError ? error.advice : String(error) };
    }
  },
};
