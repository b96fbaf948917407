/**
 * vit-gpt2 (`Xenova/vit-gpt2-image-captioning` layout): a ViT encoder and a GPT-2 decoder that write one short
 * caption, through transformers.js's `image-to-text` pipeline. It only captions, so it serves caption, alt and json.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GlimpseError } from '../../errors.js';
import { type DescribeRequest, type Description, emptyDescription, type ImageDescriber } from '../spec.js';
import { acquireModel, type LocalSettings, loadOptions, preprocessorImageSize, toRawImage } from './runtime.js';

const PROMPT_VERSION = 'local-vit-gpt2-1';

type CaptionPipeline = ((
  image: unknown,
  options: Record<string, unknown>,
) => Promise<Array<{ generated_text: string }>>) & {
  dispose(): Promise<void>;
};

/** Loads (or reuses) the pipeline; also used by tests that compare cached with uncached decoding. */
export function acquireVitGpt2(settings: LocalSettings) {
  return acquireModel<CaptionPipeline>(
    'vit-gpt2',
    settings,
    async (check, loaded) =>
      (await loaded.pipeline(
        'image-to-text',
        check.folder,
        loadOptions(check, settings.threads),
      )) as unknown as CaptionPipeline,
    (pipe) => pipe.dispose(),
  );
}

export async function createVitGpt2Captioner(settings: LocalSettings, maxNewTokens: number): Promise<ImageDescriber> {
  const { model: captioner, check, runtime, exclusive, release } = await acquireVitGpt2(settings);
  const preprocessor = JSON.parse(readFileSync(join(check.folder, 'preprocessor_config.json'), 'utf8'));
  const modelName = `${settings.id} (${check.dtype})`;

  return {
    specificationVersion: 'v1',
    provider: 'local',
    modelId: settings.id,
    capabilities: {
      tasks: ['caption', 'alt', 'json'],
      ask: false,
      objects: false,
      ocr: false,
      safety: false,
      prompt: false,
    },
    preferredImageSize: preprocessorImageSize(preprocessor, 224),
    promptVersion: PROMPT_VERSION,
    async describe(request: DescribeRequest): Promise<Description> {
      if (!['caption', 'alt', 'json'].includes(request.task)) {
        throw new GlimpseError(
          'UNSUPPORTED_TASK',
          `vit-gpt2 (${settings.id}) only writes short captions; it cannot do "${request.task}"`,
          {
            hint: 'Use --task caption, or a Florence-2 model (--model florence-2-base) for detailed captions, objects and OCR.',
          },
        );
      }
      if (request.prompt) {
        throw new GlimpseError('UNSUPPORTED_TASK', `vit-gpt2 (${settings.id}) cannot follow a prompt`, {
          hint: 'Leave --prompt out, or use a vision-language provider.',
        });
      }
      request.signal?.throwIfAborted();
      const image = await toRawImage(runtime, request.image);
      const [output] = await exclusive(() => captioner(image, { max_new_tokens: maxNewTokens, do_sample: false }));
      const caption = tidy(output?.generated_text ?? '');
      const description = emptyDescription(modelName);
      description.caption = caption;
      if (request.task !== 'caption') description.alt = caption;
      return description;
    },
    close: release,
  };
}

/** Captions come back lower-case without a full stop ("a cat laying on a bed"); make them read as a sentence. */
export function tidy(text: string): string | null {
  const trimmed = text.replace(/\s+/g, ' ').trim();
  if (!trimmed) return null;
  return trimmed.charAt(0).toUpperCase() + trimmed.slice(1);
}
