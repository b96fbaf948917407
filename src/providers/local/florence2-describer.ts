/**
 * Florence-2 (`onnx-community/Florence-2-base-ft` / `-large-ft` layout). transformers.js has no pipeline for it, so
 * this drives `Florence2ForConditionalGeneration` with `AutoProcessor` directly: the processor turns a task token
 * (`<CAPTION>`, `<OD>`…) into its prompt, `generate` decodes greedily with the KV cache, and
 * `post_process_generation` turns `<loc_N>` tokens into boxes.
 *
 * Glimpse tasks map onto Florence tasks: caption and alt → <CAPTION>, detailed → <MORE_DETAILED_CAPTION>
 * (`options.detailedTask` may pick <DETAILED_CAPTION>), ocr → <OCR>, tags → <OD> labels (or region captions with
 * `options.objectsTask: '<DENSE_REGION_CAPTION>'`), and json runs caption, detailed and objects (and OCR unless
 * `options.ocr` is false) as one batch and merges them.
 */
import { GlimpseError } from '../../errors.js';
import {
  type DescribeRequest,
  type Description,
  type DetectedObject,
  emptyDescription,
  type ImageDescriber,
  type Task,
} from '../spec.js';
import { acquireModel, type LocalSettings, loadOptions, preprocessorImageSize, toRawImage } from './runtime.js';
import { tidy } from './vit-gpt2-captioner.js';

const PROMPT_VERSION = 'local-florence2-1';

/** Token budgets per task: captions are one sentence, the rest can run long. */
const MAX_NEW_TOKENS: Record<string, number> = {
  '<CAPTION>': 40,
  '<DETAILED_CAPTION>': 128,
  '<MORE_DETAILED_CAPTION>': 256,
  '<OCR>': 256,
  '<OD>': 256,
  '<DENSE_REGION_CAPTION>': 256,
};

export type FlorenceTask =
  | '<CAPTION>'
  | '<DETAILED_CAPTION>'
  | '<MORE_DETAILED_CAPTION>'
  | '<OCR>'
  | '<OD>'
  | '<DENSE_REGION_CAPTION>';

interface TensorLike {
  dims: number[];
  tolist(): unknown[];
}

interface Florence2Processor {
  construct_prompts(task: string): string[];
  (images: unknown[], tasks: string[], options: { padding: boolean }): Promise<Record<string, unknown>>;
  batch_decode(ids: bigint[][], options: { skip_special_tokens: boolean }): string[];
  post_process_generation(text: string, task: string, size: [number, number]): Record<string, unknown>;
  image_processor: { config: Record<string, unknown> };
}

interface Florence2Model {
  generate(inputs: Record<string, unknown>): Promise<TensorLike>;
  forward(inputs: Record<string, unknown>): Promise<Record<string, unknown>>;
  dispose(): Promise<unknown>;
}

export interface Florence2Loaded {
  model: Florence2Model;
  processor: Florence2Processor;
}

export interface FlorenceOptions {
  /** Overrides the per-task token budget below. */
  maxNewTokens?: number;
  detailedTask: FlorenceTask;
  /** `<OD>` (category names) or `<DENSE_REGION_CAPTION>` (a short caption per region) for objects and tags. */
  objectsTask: FlorenceTask;
  ocrInJson: boolean;
}

/** Loads (or reuses) the model and processor; also used by tests that compare cached with uncached decoding. */
export function acquireFlorence2(settings: LocalSettings) {
  return acquireModel<Florence2Loaded>(
    'florence2',
    settings,
    async (check, runtime) => {
      const [model, processor] = await Promise.all([
        runtime.Florence2ForConditionalGeneration.from_pretrained(check.folder, loadOptions(check, settings.threads)),
        runtime.AutoProcessor.from_pretrained(check.folder, { local_files_only: true }),
      ]);
      return { model: model as unknown as Florence2Model, processor: processor as unknown as Florence2Processor };
    },
    async ({ model }) => void (await model.dispose()),
  );
}

export async function createFlorence2Describer(
  settings: LocalSettings,
  options: FlorenceOptions,
): Promise<ImageDescriber> {
  const { model: loaded, check, runtime, exclusive, release } = await acquireFlorence2(settings);
  const modelName = `${settings.id} (${check.dtype})`;
  const tasks: Task[] = ['caption', 'detailed', 'alt', 'tags', 'ocr', 'json'];
  // BART-style decoders offset positions by 2; never ask for more tokens than the decoder has positions.
  const textConfig = (check.config.text_config ?? {}) as { max_position_embeddings?: number };
  const positionLimit = Math.max(1, (textConfig.max_position_embeddings ?? 1024) - 2);
  const endOfText = BigInt(
    Number(
      (check.config.text_config as { eos_token_id?: number } | undefined)?.eos_token_id ??
        check.config.eos_token_id ??
        2,
    ),
  );

  /**
   * Runs several Florence tasks on one image as one batch: one generate call, prompts padded to one length. Rows
   * that finish early keep decoding until the longest does, so each row is cut at its first end-of-text token.
   */
  async function runTasks(
    image: unknown,
    wanted: FlorenceTask[],
    signal?: AbortSignal,
  ): Promise<Map<FlorenceTask, unknown>> {
    signal?.throwIfAborted();
    const { model, processor } = loaded;
    const inputs = await processor(
      wanted.map(() => image),
      wanted,
      { padding: true },
    );
    const budgets = wanted.map((task) => Math.min(positionLimit, options.maxNewTokens ?? MAX_NEW_TOKENS[task]!));
    // Greedy decoding: Florence's own config asks for 3 beams, which transformers.js does not implement.
    const ids = await exclusive(() =>
      model.generate({ ...inputs, max_new_tokens: Math.max(...budgets), num_beams: 1, do_sample: false }),
    );
    const rows = (ids.tolist() as bigint[][]).map((row, index) => {
      const end = row.findIndex((token, position) => position > 0 && token === endOfText);
      const ended = end === -1 ? row : row.slice(0, end + 1);
      // Each task keeps its own budget, ending as a lone run would: the last allowed token becomes end-of-text.
      const budget = budgets[index]!;
      return ended.length > budget + 1 ? [...ended.slice(0, budget), endOfText] : ended;
    });
    const results = new Map<FlorenceTask, unknown>();
    wanted.forEach((task, index) => {
      const text = processor.batch_decode([rows[index]!], { skip_special_tokens: false })[0] ?? '';
      // Boxes come back scaled to the size passed here; 1×1 makes them normalised (0..1), as Glimpse stores them.
      results.set(task, processor.post_process_generation(text, task, [1, 1])[task]);
    });
    return results;
  }

  return {
    specificationVersion: 'v1',
    provider: 'local',
    modelId: settings.id,
    capabilities: { tasks, ask: false, objects: true, ocr: true, safety: false, prompt: false },
    preferredImageSize: preprocessorImageSize(loaded.processor.image_processor.config, 768),
    promptVersion: `${PROMPT_VERSION}:${options.detailedTask}:${options.objectsTask}:${options.ocrInJson ? 'ocr' : 'no-ocr'}`,
    async describe(request: DescribeRequest): Promise<Description> {
      if (!tasks.includes(request.task)) {
        throw new GlimpseError('UNSUPPORTED_TASK', `Florence-2 (${settings.id}) cannot do "${request.task}"`, {
          hint: `Florence-2 supports ${tasks.join(', ')}.`,
        });
      }
      if (request.prompt) {
        throw new GlimpseError(
          'UNSUPPORTED_TASK',
          `Florence-2 (${settings.id}) answers fixed tasks, not free prompts`,
          {
            hint: 'Leave --prompt out, or use a vision-language provider (ollama, openai…) for custom prompts.',
          },
        );
      }
      const json = request.task === 'json';
      const wanted: FlorenceTask[] = [];
      if (json || request.task === 'caption' || request.task === 'alt') wanted.push('<CAPTION>');
      if (json || request.task === 'detailed') wanted.push(options.detailedTask);
      if (json || request.task === 'tags') wanted.push(options.objectsTask);
      if (request.task === 'ocr' || (json && options.ocrInJson)) wanted.push('<OCR>');
      const results = await runTasks(await toRawImage(runtime, request.image), wanted, request.signal);

      const description = emptyDescription(modelName);
      const caption = results.has('<CAPTION>') ? tidy(String(results.get('<CAPTION>') ?? '')) : null;
      if (request.task !== 'alt') description.caption = caption;
      if (request.task === 'alt' || json) description.alt = caption;
      if (results.has(options.detailedTask))
        description.detailed = tidy(String(results.get(options.detailedTask) ?? ''));
      if (results.has(options.objectsTask)) {
        description.objects = toObjects(results.get(options.objectsTask));
        description.tags = [...new Set(description.objects.map((object) => object.label))];
      }
      if (results.has('<OCR>')) description.text = tidyText(String(results.get('<OCR>') ?? ''));
      return description;
    },
    close: release,
  };
}

/**
 * `<OD>` or `<DENSE_REGION_CAPTION>` output, `{ labels, bboxes: [[x1, y1, x2, y2]…] }` in the size passed to post-processing (here 1×1), into
 * Glimpse objects. Florence-2 gives no confidence per box, so every score is 1.
 */
export function toObjects(result: unknown): DetectedObject[] {
  const { labels = [], bboxes = [] } = (result ?? {}) as { labels?: string[]; bboxes?: number[][] };
  const objects: DetectedObject[] = [];
  labels.forEach((label, index) => {
    const box = bboxes[index];
    const name = label.replace(/\s+/g, ' ').trim().toLowerCase();
    if (!name || !box || box.length < 4) return;
    const clamp = (value: number) => Math.min(1, Math.max(0, value));
    const [x1, y1, x2, y2] = box.map(clamp);
    objects.push({
      label: name,
      score: 1,
      box: { x: x1, y: y1, width: Math.max(0, x2 - x1), height: Math.max(0, y2 - y1) },
    });
  });
  return objects;
}

function tidyText(text: string): string | null {
  const trimmed = text.trim();
  return trimmed ? trimmed : null;
}
