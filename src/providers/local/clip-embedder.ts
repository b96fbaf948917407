/**
 * CLIP (`Xenova/clip-vit-base-patch32` layout) as an Embedder: `onnx/text_model.onnx` (`text_embeds`) and
 * `onnx/vision_model.onnx` (`image_embeds`) project into one space, so a text query ranks images directly and an
 * image finds its look-alikes. Vectors are L2-normalised so cosine similarity is a dot product. Texts and images
 * are embedded in batches (one ONNX run per call).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Embedder, PreparedImage } from '../spec.js';
import { acquireModel, loadOptions, toRawImage, type LocalSettings } from './runtime.js';
import { unitRows } from './unit-vectors.js';

interface TensorLike {
  dims: number[];
  data: Float32Array;
}

type Callable<I, O> = ((input: I) => Promise<O>) & { dispose?(): Promise<unknown> };

interface ClipLoaded {
  tokenizer: (texts: string[], options: Record<string, unknown>) => Record<string, unknown>;
  processor: (images: unknown[]) => Promise<Record<string, unknown>>;
  textModel: Callable<Record<string, unknown>, { text_embeds: TensorLike }>;
  visionModel: Callable<Record<string, unknown>, { image_embeds: TensorLike }>;
}

export async function createClipEmbedder(settings: LocalSettings): Promise<Embedder> {
  const { model, check, runtime, release } = await acquireModel<ClipLoaded>(
    'clip',
    settings,
    async (check, runtime) => {
      const options = loadOptions(check, settings.threads);
      const [tokenizer, processor, textModel, visionModel] = await Promise.all([
        runtime.AutoTokenizer.from_pretrained(check.folder, { local_files_only: true }),
        runtime.AutoProcessor.from_pretrained(check.folder, { local_files_only: true }),
        runtime.CLIPTextModelWithProjection.from_pretrained(check.folder, options),
        runtime.CLIPVisionModelWithProjection.from_pretrained(check.folder, options),
      ]);
      return {
        tokenizer: tokenizer as unknown as ClipLoaded['tokenizer'],
        processor: processor as unknown as ClipLoaded['processor'],
        textModel: textModel as unknown as ClipLoaded['textModel'],
        visionModel: visionModel as unknown as ClipLoaded['visionModel'],
      };
    },
    async (loaded) => {
      await Promise.all([loaded.textModel.dispose?.(), loaded.visionModel.dispose?.()]);
    },
  );
  const config = JSON.parse(readFileSync(join(check.folder, 'config.json'), 'utf8'));
  const dimensions = Number(config.projection_dim ?? config.text_config?.projection_dim);

  return {
    specificationVersion: 'v1',
    provider: 'local',
    modelId: settings.id,
    dimensions,
    async embedTexts(texts) {
      if (texts.length === 0) return [];
      // CLIP's text tower has 77 positions; longer captions are cut rather than refused.
      const inputs = model.tokenizer(texts, { padding: true, truncation: true });
      const { text_embeds } = await model.textModel(inputs);
      return unitRows(text_embeds);
    },
    async embedImages(images: PreparedImage[]) {
      if (images.length === 0) return [];
      const raw = await Promise.all(images.map((image) => toRawImage(runtime, image)));
      const { image_embeds } = await model.visionModel(await model.processor(raw));
      return unitRows(image_embeds);
    },
    close: release,
  };
}
