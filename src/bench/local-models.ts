/**
 * Load time and throughput of each local model present in a model dir. On the tiny fixtures this measures
 * Glimpse's and transformers.js's overhead around ONNX (pre-processing, generation loop, tokenisation); on real
 * weights it measures the model.
 *
 * Not part of `npm run bench`; run it directly for a table: `node dist/bench/local-models.js [model dir]` (default:
 * the model dir Glimpse uses).
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { prepareImage } from '../images/prepare.js';
import { factory } from '../providers/local/index.js';
import { listLocalModels, modelDirectory } from '../providers/local/model-directory.js';
import { loadTransformers } from '../providers/local/runtime.js';
import type { PreparedImage, ProviderSettings } from '../providers/spec.js';

export interface LocalModelMeasurement {
  id: string;
  architecture: string;
  dtype: string;
  /** First load in this process (files read, ONNX sessions built), milliseconds. */
  loadMs: number;
  /** What was timed: captions (describers), image embeddings (CLIP), text embeddings (sentence encoders). */
  work: 'caption' | 'embed-images' | 'embed-texts';
  itemsPerSecond: number;
  items: number;
}

const SAMPLE_IMAGES = ['chelsea.png', 'coffee.png', 'horse.png', 'rocket.jpg'].map((name) =>
  fileURLToPath(new URL(`../../../samples/${name}`, import.meta.url)),
);
const SAMPLE_TEXTS = ['a cat lying on a sofa', 'a cup of coffee on a table', 'a horse in a field', 'a rocket at night'];

export interface MeasureOptions {
  /** Image files to caption or embed (default: four photos from the repo's samples/). */
  images?: string[];
  /** How many passes over the images after one warm-up pass. */
  rounds?: number;
  /** Extra provider options (threads, dtype…). */
  options?: Record<string, unknown>;
}

export async function measureLocalModels(
  modelDir: string,
  measureOptions: MeasureOptions = {},
): Promise<LocalModelMeasurement[]> {
  const paths = measureOptions.images ?? SAMPLE_IMAGES;
  const rounds = measureOptions.rounds ?? 2;
  const results: LocalModelMeasurement[] = [];
  // Importing transformers.js and onnxruntime happens once per process; keep it out of the first model's load time.
  await loadTransformers();
  for (const model of listLocalModels(modelDir)) {
    const settings: ProviderSettings = {
      model: model.id,
      options: { ...measureOptions.options, modelDir, embeddingModel: model.id },
    };
    const started = performance.now();
    if (model.architecture === 'florence2' || model.architecture === 'vit-gpt2') {
      const describer = await factory.createDescriber(settings);
      const loadMs = performance.now() - started;
      const images = await prepareAll(paths, describer.preferredImageSize);
      const timed = await time(rounds, images, (image) => describer.describe({ image, task: 'caption' }));
      await describer.close?.();
      results.push({
        id: model.id,
        architecture: model.architecture,
        dtype: model.dtype,
        loadMs,
        work: 'caption',
        ...timed,
      });
    } else {
      const embedder = (await factory.createEmbedder!(settings))!;
      const loadMs = performance.now() - started;
      if (embedder.embedImages) {
        const images = await prepareAll(paths, 224);
        const timed = await time(rounds, images, (image) => embedder.embedImages!([image]));
        results.push({
          id: model.id,
          architecture: model.architecture,
          dtype: model.dtype,
          loadMs,
          work: 'embed-images',
          ...timed,
        });
      } else {
        const timed = await time(rounds, SAMPLE_TEXTS, (text) => embedder.embedTexts([text], 'document'));
        results.push({
          id: model.id,
          architecture: model.architecture,
          dtype: model.dtype,
          loadMs,
          work: 'embed-texts',
          ...timed,
        });
      }
      await embedder.close?.();
    }
  }
  return results;
}

async function prepareAll(paths: string[], maxSide: number): Promise<PreparedImage[]> {
  return Promise.all(paths.map(async (path) => (await prepareImage(await readFile(path), path, { maxSide })).image));
}

/** One untimed warm-up pass, then `rounds` timed passes, one item at a time (as the indexer calls them). */
async function time<T>(rounds: number, items: T[], work: (item: T) => Promise<unknown>) {
  for (const item of items) await work(item);
  const started = performance.now();
  for (let round = 0; round < rounds; round++) for (const item of items) await work(item);
  const seconds = (performance.now() - started) / 1000;
  return { items: rounds * items.length, itemsPerSecond: (rounds * items.length) / seconds };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const directory = process.argv[2] ?? modelDirectory();
  const results = await measureLocalModels(directory, { rounds: 5 });
  if (results.length === 0) console.log(`No local models in ${directory}.`);
  for (const result of results) {
    console.log(
      `${result.id.padEnd(40)} ${result.dtype.padEnd(5)} ${result.work.padEnd(13)} load ${result.loadMs.toFixed(0).padStart(6)} ms  ${result.itemsPerSecond.toFixed(1).padStart(8)} per s`,
    );
  }
}
