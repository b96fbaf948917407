/**
 * A sentence encoder (`Xenova/all-MiniLM-L6-v2` layout: BERT-like `onnx/model.onnx`) for caption embeddings, so
 * hybrid search works with no API at all: transformers.js's `feature-extraction` pipeline with mean pooling and
 * L2 normalisation, the way sentence-transformers uses these models. Text only; batches each call in one run.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Embedder } from '../spec.js';
import { canonicalModelId } from './model-directory.js';
import { acquireModel, type LocalSettings, loadOptions } from './runtime.js';
import { unitRows } from './unit-vectors.js';

type FeatureExtractor = ((
  texts: string[],
  options: Record<string, unknown>,
) => Promise<{ dims: number[]; data: Float32Array }>) & {
  dispose(): Promise<void>;
};

export async function createSentenceEmbedder(settings: LocalSettings): Promise<Embedder> {
  const {
    model: extract,
    check,
    exclusive,
    release,
  } = await acquireModel<FeatureExtractor>(
    'sentence',
    settings,
    async (check, runtime) =>
      (await runtime.pipeline(
        'feature-extraction',
        check.folder,
        loadOptions(check, settings.threads),
      )) as unknown as FeatureExtractor,
    (pipe) => pipe.dispose(),
  );
  const config = JSON.parse(readFileSync(join(check.folder, 'config.json'), 'utf8'));

  return {
    specificationVersion: 'v1',
    provider: 'local',
    // Vectors are stored per model id: `clip` and `Xenova/clip-vit-base-patch32` must land in the same space.
    modelId: canonicalModelId(settings.id),
    dimensions: Number(config.hidden_size ?? config.dim ?? config.d_model),
    async embedTexts(texts) {
      if (texts.length === 0) return [];
      const output = await exclusive(() => extract(texts, { pooling: 'mean', normalize: true }));
      return unitRows(output);
    },
    close: release,
  };
}
