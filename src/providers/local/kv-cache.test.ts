/**
 * KV-cached decoding must equal full recomputation: the cache is an optimisation, never a change in output. Checked
 * two ways on both generative models: greedy `generate` (which always uses the cache) against a greedy loop that
 * recomputes the whole sequence every step, and one decoder step with the cache against the same step without it.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { before, describe, test } from 'node:test';
import { prepareImage } from '../../images/prepare.js';
import { samplePhoto, tinyModelDirectory } from '../../testing/tiny-models.js';
import { acquireFlorence2 } from './florence2-describer.js';
import { loadTransformers, localSettings, type Transformers, toRawImage } from './runtime.js';
import { acquireVitGpt2 } from './vit-gpt2-captioner.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- transformers.js model internals are untyped here */
type Forward = (inputs: Record<string, unknown>) => Promise<Record<string, any>>;

let runtime: Transformers;
let modelDir: string;
let image: unknown;

before(async () => {
  modelDir = tinyModelDirectory();
  runtime = await loadTransformers();
  const prepared = await prepareImage(await readFile(samplePhoto), samplePhoto, { maxSide: 64 });
  image = await toRawImage(runtime, prepared.image);
});

const ids = (tokens: number[]) =>
  new runtime.Tensor('int64', BigInt64Array.from(tokens.map(BigInt)), [1, tokens.length]);

function lastLogits(output: Record<string, any>): Float32Array {
  const [, length, vocabulary] = output.logits.dims as number[];
  return (output.logits.data as Float32Array).slice((length - 1) * vocabulary!, length! * vocabulary!);
}

function argmax(values: Float32Array): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i]! > values[best]!) best = i;
  return best;
}

/** Greedy decoding that feeds the whole sequence each step, with no cache at all. */
async function greedyWithoutCache(forward: Forward, inputs: Record<string, unknown>, start: number[], steps: number) {
  const tokens = [...start];
  for (let step = 0; step < steps; step++)
    tokens.push(argmax(lastLogits(await forward({ ...inputs, decoder_input_ids: ids(tokens) }))));
  return tokens;
}

/** The last token's logits computed with a cache of the prefix, next to the same logits computed from scratch. */
async function cachedAndFullStep(forward: Forward, inputs: Record<string, unknown>, tokens: number[]) {
  const full = lastLogits(await forward({ ...inputs, decoder_input_ids: ids(tokens) }));
  const prefix = await forward({ ...inputs, decoder_input_ids: ids(tokens.slice(0, -1)) });
  const past: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(prefix))
    if (name.startsWith('present')) past[name.replace('present', 'past_key_values')] = value;
  const cached = lastLogits(
    await forward({ ...inputs, decoder_input_ids: ids(tokens.slice(-1)), past_key_values: past }),
  );
  return { full, cached };
}

function assertClose(a: Float32Array, b: Float32Array) {
  assert.equal(a.length, b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
  assert.ok(worst < 1e-4, `largest difference ${worst}`);
}

// Plain greedy decoding on both sides: no forced tokens, no n-gram blocking.
const plainGreedy = {
  num_beams: 1,
  do_sample: false,
  no_repeat_ngram_size: 0,
  forced_bos_token_id: null,
  forced_eos_token_id: null,
};

describe('KV-cached decoding equals full recomputation', () => {
  test('Florence-2', async () => {
    const { model: loaded, release } = await acquireFlorence2(
      localSettings({ options: { modelDir, threads: 1 } }, 'tiny/florence-2'),
    );
    try {
      const model = loaded.model as any;
      const processor = loaded.processor as any;
      const inputs = await processor(image, processor.construct_prompts('<CAPTION>'));
      const start = Number(model.generation_config?.decoder_start_token_id ?? 2);
      const generated = await model.generate({ ...inputs, ...plainGreedy, max_new_tokens: 12 });
      const withCache = (generated.tolist()[0] as bigint[]).map(Number);
      const forward: Forward = (feeds) => model.forward(feeds);
      const withoutCache = await greedyWithoutCache(forward, inputs, [start], withCache.length - 1);
      assert.deepEqual(withCache, withoutCache);
      assert.ok(new Set(withCache).size > 2, 'the sequence is not one token repeated');

      const { full, cached } = await cachedAndFullStep(forward, inputs, withCache.slice(0, 8));
      assertClose(cached, full);
    } finally {
      await release();
    }
  });

  test('vit-gpt2', async () => {
    const { model: pipe, release } = await acquireVitGpt2(
      localSettings({ options: { modelDir, threads: 1 } }, 'tiny/vit-gpt2'),
    );
    try {
      const { model, processor } = pipe as any;
      const { pixel_values } = await processor(image);
      const start = Number(model.generation_config?.decoder_start_token_id);
      const generated = await model.generate({ inputs: pixel_values, ...plainGreedy, max_new_tokens: 12 });
      const withCache = (generated.tolist()[0] as bigint[]).map(Number);
      const forward: Forward = (feeds) => model.forward(feeds);
      const withoutCache = await greedyWithoutCache(forward, { pixel_values }, [start], withCache.length - 1);
      assert.deepEqual(withCache, withoutCache);

      const { full, cached } = await cachedAndFullStep(forward, { pixel_values }, withCache.slice(0, 8));
      assertClose(cached, full);
    } finally {
      await release();
    }
  });
});
