/**
 * Where local models live and what is in each folder.
 *
 * A model id resolves to `<model dir>/<id>`, exactly as transformers.js's `env.localModelPath` does, so a folder
 * copied from the Hugging Face hub (`onnx-community/Florence-2-base-ft/config.json`, `…/onnx/vision_encoder.onnx`)
 * works as it is. The model dir is, in order: `options.modelDir` (the CLI's `--model-dir`), `GLIMPSE_MODELS`, else
 * `~/.cache/glimpse/models` (under `XDG_CACHE_HOME` when set). The architecture comes from the folder's
 * `config.json` (`model_type`), never from the id, so any folder with a supported layout works under any name.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { GlimpseError } from '../../errors.js';
import type { ProviderSettings } from '../spec.js';

export type Architecture = 'florence2' | 'vit-gpt2' | 'clip' | 'sentence';
export type Dtype = 'fp32' | 'fp16' | 'q8' | 'int8' | 'uint8' | 'q4' | 'q4f16' | 'bnb4';

/** Short names users can type; anything else is taken as an id (or a path) as it is. */
export const MODEL_ALIASES: Record<string, string> = {
  'florence-2-base': 'onnx-community/Florence-2-base-ft',
  'florence-2-large': 'onnx-community/Florence-2-large-ft',
  'florence-2': 'onnx-community/Florence-2-base-ft',
  'vit-gpt2': 'Xenova/vit-gpt2-image-captioning',
  clip: 'Xenova/clip-vit-base-patch32',
  siglip: 'Xenova/siglip-base-patch16-224',
  minilm: 'Xenova/all-MiniLM-L6-v2',
};

/** Captioners in the order the default prefers them (Florence-2 first), by canonical id. */
export const CAPTIONER_PREFERENCE = [
  'onnx-community/Florence-2-large-ft',
  'onnx-community/Florence-2-base-ft',
  'Xenova/vit-gpt2-image-captioning',
];

/** The ONNX files (without dtype suffix) each architecture loads, and the JSON files it reads. */
export const LAYOUTS: Record<Architecture, { onnx: string[]; json: string[] }> = {
  florence2: {
    onnx: ['vision_encoder', 'embed_tokens', 'encoder_model', 'decoder_model_merged'],
    json: [
      'config.json',
      'generation_config.json',
      'preprocessor_config.json',
      'tokenizer.json',
      'tokenizer_config.json',
    ],
  },
  'vit-gpt2': {
    onnx: ['encoder_model', 'decoder_model_merged'],
    json: ['config.json', 'preprocessor_config.json', 'tokenizer.json', 'tokenizer_config.json'],
  },
  clip: {
    onnx: ['text_model', 'vision_model'],
    json: ['config.json', 'preprocessor_config.json', 'tokenizer.json', 'tokenizer_config.json'],
  },
  sentence: { onnx: ['model'], json: ['config.json', 'tokenizer.json', 'tokenizer_config.json'] },
};

/** File-name suffix transformers.js uses for each dtype (`model_quantized.onnx` is q8). */
export const DTYPE_SUFFIXES: Record<Dtype, string> = {
  fp32: '',
  fp16: '_fp16',
  q8: '_quantized',
  int8: '_int8',
  uint8: '_uint8',
  q4: '_q4',
  q4f16: '_q4f16',
  bnb4: '_bnb4',
};

/** Text encoders the sentence embedder can run (feature extraction, mean pooling). */
const SENTENCE_MODEL_TYPES = new Set([
  'bert',
  'mpnet',
  'roberta',
  'xlm-roberta',
  'distilbert',
  'nomic_bert',
  'modernbert',
  'e5',
  'bge',
]);

export function architectureOf(modelType: string | undefined): Architecture | null {
  if (modelType === 'florence2') return 'florence2';
  if (modelType === 'vision-encoder-decoder') return 'vit-gpt2';
  // SigLIP has CLIP's layout (text_model.onnx, vision_model.onnx); the embedder reads its outputs differently.
  if (modelType === 'clip' || modelType === 'siglip') return 'clip';
  if (modelType && SENTENCE_MODEL_TYPES.has(modelType)) return 'sentence';
  return null;
}

/** Under the XDG cache directory, as Linux users expect (macOS and Windows users get the same layout in their home). */
export function defaultModelDirectory(env: Record<string, string | undefined> = process.env): string {
  return join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'glimpse', 'models');
}

/** `options.modelDir` (`--model-dir`), else `GLIMPSE_MODELS`, else `~/.cache/glimpse/models`. */
export function modelDirectory(settings: ProviderSettings = {}): string {
  const env = settings.env ?? process.env;
  const fromOptions = settings.options?.modelDir;
  if (typeof fromOptions === 'string' && fromOptions) return resolve(fromOptions);
  if (env.GLIMPSE_MODELS) return resolve(env.GLIMPSE_MODELS);
  return defaultModelDirectory(env);
}

export function canonicalModelId(id: string): string {
  return Object.hasOwn(MODEL_ALIASES, id) ? MODEL_ALIASES[id] : id;
}

/** The folder an id names: a path (absolute, or starting with `.`) as it is, anything else under the model dir. */
export function modelFolder(id: string, directory: string): string {
  if (isAbsolute(id) || id.startsWith('./') || id.startsWith('../')) return resolve(id);
  return join(directory, canonicalModelId(id));
}

export interface LocalModel {
  /** The id it is found under (its path relative to the model dir). */
  id: string;
  path: string;
  modelType: string;
  architecture: Architecture;
  sizeBytes: number;
  /** Every dtype whose full set of ONNX files is present, best first. */
  dtypes: Dtype[];
  /** The dtype Glimpse loads by default (the first of `dtypes`). */
  dtype: Dtype;
}

export interface ModelCheck {
  folder: string;
  modelType: string;
  architecture: Architecture;
  dtype: Dtype;
  config: Record<string, unknown>;
}

const DTYPE_PREFERENCE: Dtype[] = ['fp32', 'q8', 'fp16', 'int8', 'uint8', 'q4', 'q4f16', 'bnb4'];

function missingModel(id: string, folder: string, file: string, what: string, directory: string): GlimpseError {
  const path = join(folder, file);
  return new GlimpseError('MODEL_NOT_FOUND', `Local model "${id}": ${path} ${what}`, {
    path,
    hint: `Run \`glimpse models pull ${canonicalModelId(id)}\` where the Hugging Face hub is reachable, or copy the model folder to ${join(directory, canonicalModelId(id))} (set the folder with --model-dir or GLIMPSE_MODELS).`,
  });
}

function readJson(id: string, folder: string, file: string, directory: string): Record<string, unknown> {
  const path = join(folder, file);
  if (!existsSync(path)) throw missingModel(id, folder, file, 'is missing', directory);
  try {
    const value = JSON.parse(readFileSync(path, 'utf8'));
    if (!value || typeof value !== 'object') throw new Error('not a JSON object');
    return value as Record<string, unknown>;
  } catch (error) {
    throw missingModel(id, folder, file, `is damaged (${(error as Error).message})`, directory);
  }
}

function presentDtypes(folder: string, architecture: Architecture): Dtype[] {
  return DTYPE_PREFERENCE.filter((dtype) =>
    LAYOUTS[architecture].onnx.every((name) =>
      isNonEmptyFile(join(folder, 'onnx', `${name}${DTYPE_SUFFIXES[dtype]}.onnx`)),
    ),
  );
}

function isNonEmptyFile(path: string): boolean {
  try {
    return statSync(path).size > 0;
  } catch {
    return false;
  }
}

/**
 * Checks that a folder holds a complete model of a supported architecture and picks the dtype to load.
 * Throws MODEL_NOT_FOUND naming the first missing or damaged file and how to get it.
 */
export function checkModelFolder(id: string, directory: string, wantedDtype?: Dtype): ModelCheck {
  const folder = modelFolder(id, directory);
  if (!existsSync(folder)) {
    throw missingModel(id, folder, '', 'does not exist', directory);
  }
  const config = readJson(id, folder, 'config.json', directory);
  const modelType = typeof config.model_type === 'string' ? config.model_type : undefined;
  const architecture = architectureOf(modelType);
  if (!architecture) {
    throw new GlimpseError(
      'MODEL_NOT_FOUND',
      `Local model "${id}": ${join(folder, 'config.json')} has model_type "${modelType ?? '(none)'}", which the local provider cannot run`,
      {
        path: join(folder, 'config.json'),
        hint: 'Supported: florence2, vision-encoder-decoder (vit-gpt2), clip, siglip, and BERT-like sentence encoders. See `glimpse models`.',
      },
    );
  }
  for (const file of LAYOUTS[architecture].json) readJson(id, folder, file, directory);
  const available = presentDtypes(folder, architecture);
  const dtype = wantedDtype ?? available[0];
  if (!dtype || !available.includes(dtype)) {
    const suffix = DTYPE_SUFFIXES[dtype ?? 'fp32'];
    const missing = LAYOUTS[architecture].onnx
      .map((name) => `onnx/${name}${suffix}.onnx`)
      .find((file) => !isNonEmptyFile(join(folder, file)))!;
    const others = available.length ? ` (present: ${available.join(', ')}; choose one with options.dtype)` : '';
    throw missingModel(id, folder, missing, `is missing or empty${others}`, directory);
  }
  return { folder, modelType: modelType!, architecture, dtype, config };
}

function folderSize(folder: string): number {
  let total = 0;
  for (const entry of readdirSync(folder, { withFileTypes: true })) {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) total += folderSize(path);
    else if (entry.isFile()) total += statSync(path).size;
  }
  return total;
}

/**
 * The models present under a model dir (`<dir>/<name>` and `<dir>/<org>/<name>`), for `glimpse models`.
 * Folders without a readable config.json of a supported architecture are left out; it never throws.
 */
export function listLocalModels(directory: string): LocalModel[] {
  const found: LocalModel[] = [];
  const visit = (relative: string, depth: number) => {
    const folder = join(directory, relative);
    let entries;
    try {
      entries = readdirSync(folder, { withFileTypes: true });
    } catch {
      return;
    }
    if (relative && entries.some((entry) => entry.isFile() && entry.name === 'config.json')) {
      try {
        const config = JSON.parse(readFileSync(join(folder, 'config.json'), 'utf8'));
        const architecture = architectureOf(config?.model_type);
        const dtypes = architecture ? presentDtypes(folder, architecture) : [];
        if (architecture && dtypes.length > 0) {
          found.push({
            id: relative,
            path: folder,
            modelType: config.model_type,
            architecture,
            sizeBytes: folderSize(folder),
            dtypes,
            dtype: dtypes[0],
          });
        }
      } catch {
        // A damaged folder is not a model; `glimpse models pull` or a load attempt reports what is wrong with it.
      }
      return;
    }
    if (depth >= 2) return;
    for (const entry of entries) {
      if (entry.isDirectory() && !entry.name.startsWith('.'))
        visit(relative ? `${relative}/${entry.name}` : entry.name, depth + 1);
    }
  };
  visit('', 0);
  return found.sort((a, b) => a.id.localeCompare(b.id));
}

/** The id of the best captioner present (Florence-2 first, then vit-gpt2, then any other captioning folder), or null. */
export function bestLocalCaptioner(directory: string): string | null {
  const models = listLocalModels(directory).filter(
    (model) => model.architecture === 'florence2' || model.architecture === 'vit-gpt2',
  );
  for (const id of CAPTIONER_PREFERENCE) if (models.some((model) => model.id === id)) return id;
  return (models.find((model) => model.architecture === 'florence2') ?? models[0])?.id ?? null;
}
