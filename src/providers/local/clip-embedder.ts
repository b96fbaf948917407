/**
 * CLIP (`Xenova/clip-vit-base-patch32` layout) and SigLIP (`Xenova/siglip-base-patch16-224` layout) as an Embedder:
 * `onnx/text_model.onnx` and `onnx/vision_model.onnx` project into one space, so a text query ranks images directly
 * and an image finds its look-alikes. Vectors are L2-normalised so cosine similarity is a dot product. Texts and
 * images are embedded in batches (one ONNX run per call).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Embedder, PreparedImage } from '../spec.js';
import { canonicalModelId } from './model-directory.js';
import { acquireModel, type LocalSettings, loadOptions, toRawImage } from './runtime.js';
import { unitRows } from './unit-vectors.js';

interface TensorLike {
  dims: number[];
  data: Float32Array;
}

type Callable<I, O> = ((input: I) => Promise<O>) & { dispose?(): Promise<unknown> };

interface ClipLoaded {
  tokenizer: (texts: string[], options: Record<string, unknown>) => Record<string, unknown>;
  processor: (images: unknown[]) => Promise<Record<string, unknown>>;
  textModel: Callable<Record<string, unknown>, Record<string, TensorLike>>;
  visionModel: Callable<Record<string, unknown>, Record<string, TensorLike>>;
}

/**
 * How the two families differ: CLIP's towers end in projections (`text_embeds`, `image_embeds`) and its texts are
 * padded to the longest; SigLIP's towers return `pooler_output` and were trained on texts padded to the maximum length.
 */
const VARIANTS = {
  clip: {
    text: 'CLIPTextModelWithProjection',
    vision: 'CLIPVisionModelWithProjection',
    textOutput: 'text_embeds',
    imageOutput: 'image_embeds',
    padding: true,
  },
  siglip: {
    text: 'SiglipTextModel',
    vision: 'SiglipVisionModel',
    textOutput: 'pooler_output',
    imageOutput: 'pooler_output',
    padding: 'max_length',
  },
} as const;

const variantOf = (modelType: string) => VARIANTS[modelType === 'siglip' ? 'siglip' : 'clip'];

export async function createClipEmbedder(settings: LocalSettings): Promise<Embedder> {
  const { model, check, runtime, exclusive, release } = await acquireModel<ClipLoaded>(
    'clip',
    settings,
    async (check, runtime) => {
      const options = loadOptions(check, settings.threads);
      const variant = variantOf(check.modelType);
      const [tokenizer, processor, textModel, visionModel] = await Promise.all([
        runtime.AutoTokenizer.from_pretrained(check.folder, { local_files_only: true }),
        runtime.AutoProcessor.from_pretrained(check.folder, { local_files_only: true }),
        runtime[variant.text].from_pretrained(check.folder, options),
        runtime[variant.vision].from_pretrained(check.folder, options),
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
  const variant = variantOf(check.modelType);
  const dimensions = Number(
    config.projection_dim ?? config.text_config?.projection_dim ?? config.text_config?.hidden_size,
  );

  return {
    specificationVersion: 'v1',
    provider: 'local',
    // Vectors are stored per model id: `clip` and `Xenova/clip-vit-base-patch32` must land in the same space.
    modelId: canonicalModelId(settings.id),
    dimensions,
    async embedTexts(texts) {
      if (texts.length === 0) return [];
      // The text towers have few positions (CLIP 77, SigLIP 64); longer captions are cut rather than refused.
      const inputs = model.tokenizer(texts, { padding: variant.padding, truncation: true });
      return unitRows((await exclusive(() => model.textModel(inputs)))[variant.textOutput]!);
    },
    async embedImages(images: PreparedImage[]) {
      if (images.length === 0) return [];
      const raw = await Promise.all(images.map((image) => toRawImage(runtime, image)));
      const pixels = await model.processor(raw);
      return unitRows((await exclusive(() => model.visionModel(pixels)))[variant.imageOutput]!);
    },
    close: release,
  };
}
