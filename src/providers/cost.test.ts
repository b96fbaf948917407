import assert from 'node:assert/strict';
import { test } from 'node:test';
import { estimateCost, imageTokens, sumEstimates } from './cost.js';
import { manifest as openai } from './openai/manifest.js';
import { uploadSize } from './vision-language/image-budget.js';

test('OpenAI image tokens follow the published tile examples', () => {
  // OpenAI's docs: 1024×1024 high detail → 768×768 → 4 tiles → 765 tokens; 2048×4096 → 768×1536 → 6 tiles → 1105.
  assert.deepEqual(uploadSize(openai.imageBudget!({}), 1024, 1024), { width: 768, height: 768 });
  assert.equal(imageTokens('openai', 'gpt-4o', 1024, 1024), 765);
  assert.deepEqual(uploadSize(openai.imageBudget!({}), 2048, 4096), { width: 768, height: 1536 });
  assert.equal(imageTokens('openai', 'gpt-4o', 2048, 4096), 1105);
  // Small images are not enlarged: 400×300 is one tile.
  assert.equal(imageTokens('openai', 'gpt-4o', 400, 300), 255);
});

test('Anthropic and Gemini image tokens follow their rules', () => {
  // Anthropic: width × height / 750; 1000×1000 ≈ 1334 tokens, and a 4000×3000 photo is first shrunk to ≈1.15 MP.
  assert.equal(imageTokens('anthropic', 'claude-sonnet-4-5', 1000, 1000), 1334);
  assert.ok(imageTokens('anthropic', 'claude-sonnet-4-5', 4000, 3000) <= 1_150_000 / 750 + 1);
  // Gemini: up to 384 px on both sides is 258 tokens; larger images are uploaded as one 768 px tile.
  assert.equal(imageTokens('gemini', 'gemini-2.5-flash', 300, 200), 258);
  assert.equal(imageTokens('gemini', 'gemini-2.5-flash', 4000, 3000), 258);
});

test('estimateCost: priced models give dollars, local ones zero, unknown ones null', () => {
  const gpt4o = estimateCost('openai', 'gpt-4o', 1024, 1024);
  assert.equal(gpt4o.inputTokens, 600 + 765);
  assert.ok(Math.abs(gpt4o.costUsd! - ((600 + 765) * 2.5 + 350 * 10) / 1e6) < 1e-12);
  // A dated snapshot finds its family's price.
  assert.equal(estimateCost('openai', 'gpt-4o-2024-08-06', 1024, 1024).costUsd, gpt4o.costUsd);
  assert.ok(estimateCost('openai', 'gpt-4o-mini', 1024, 1024).costUsd! < gpt4o.costUsd!);
  assert.equal(estimateCost('ollama', 'llava', 1024, 1024).costUsd, 0);
  assert.equal(estimateCost('openai-compatible', 'my-finetune', 1024, 1024).costUsd, null);
  const total = sumEstimates([gpt4o, gpt4o]);
  assert.equal(total.inputTokens, 2 * gpt4o.inputTokens);
  assert.equal(sumEstimates([gpt4o, estimateCost('openai-compatible', 'x', 10, 10)]).costUsd, null);
});
