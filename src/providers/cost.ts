/**
 * Token counts and prices, for the cost shown after a run and for `glimpse index --dry-run`, which sums
 * `estimateCost` over the images it would describe. Each provider's manifest holds its prices and its image rule;
 * this file only applies them.
 */

import { providerManifest, providerManifests } from './registry.js';
import type { Price } from './spec.js';
import { tileCount } from './vision-language/image-budget.js';

export type { Price } from './spec.js';

/** Text tokens of the system prompt and the `json` task's prompt with its schema (about 2,400 characters / 4). */
const PROMPT_TOKENS = 600;
/** A typical `json` answer: caption, paragraph, alt text, tags, objects, safety. */
const ANSWER_TOKENS = 350;

const FREE: Price = { inputPerMillion: 0, outputPerMillion: 0 };

export function priceFor(provider: string, model: string): Price | null {
  const manifest = providerManifest(provider);
  if (manifest?.prices === 'free') return FREE;
  const name = model.toLowerCase().replace(/^models\//, '');
  const own = typeof manifest?.prices === 'object' ? longestPrefix(manifest.prices, name) : null;
  if (own) return own;
  // A proxy or gateway (openai-compatible, a plugin) serving another vendor's model bills at that vendor's price.
  let best: { prefix: string; price: Price } | null = null;
  for (const other of providerManifests()) {
    if (typeof other.prices !== 'object') continue;
    for (const [prefix, price] of Object.entries(other.prices)) {
      if (name.startsWith(prefix) && (best === null || prefix.length > best.prefix.length)) best = { prefix, price };
    }
  }
  return best?.price ?? null;
}

/** Longest matching prefix wins, so dated snapshots ("gpt-4o-2024-08-06") find their family. */
function longestPrefix(prices: Record<string, Price>, name: string): Price | null {
  let best: string | null = null;
  for (const prefix of Object.keys(prices)) {
    if (name.startsWith(prefix) && (best === null || prefix.length > best.length)) best = prefix;
  }
  return best === null ? null : prices[best]!;
}

export function costOf(provider: string, model: string, inputTokens = 0, outputTokens = 0): number | undefined {
  const price = priceFor(provider, model);
  if (!price) return undefined;
  return (inputTokens * price.inputPerMillion + outputTokens * price.outputPerMillion) / 1_000_000;
}

/** Tokens one image costs as input, following the vendor's published rule where its manifest gives one. */
export function imageTokens(provider: string, model: string, width: number, height: number): number {
  const rule = providerManifest(provider)?.imageTokens;
  if (rule) return rule(model, width, height);
  // Local and OpenAI-compatible models vary (LLaVA counts 576 tokens per 336 px crop); a rough count serves the estimate.
  return 576 * tileCount(width, height, 672);
}

export interface CostEstimate {
  provider: string;
  model: string;
  inputTokens: number;
  outputTokens: number;
  /** US dollars; null when Glimpse does not know the model's price (e.g. a self-hosted server). */
  costUsd: number | null;
}

/** Estimated tokens and cost of describing one image of this size (after EXIF rotation) with the `json` task. */
export function estimateCost(provider: string, model: string, imageWidth: number, imageHeight: number): CostEstimate {
  const inputTokens = PROMPT_TOKENS + imageTokens(provider, model, imageWidth, imageHeight);
  const outputTokens = ANSWER_TOKENS;
  const price = priceFor(provider, model);
  return {
    provider,
    model,
    inputTokens,
    outputTokens,
    costUsd: price ? costOf(provider, model, inputTokens, outputTokens)! : null,
  };
}

/** Sum of estimates, for a run's total line ("≈ $0.42 for 1,200 images"). */
export function sumEstimates(estimates: CostEstimate[]): {
  inputTokens: number;
  outputTokens: number;
  costUsd: number | null;
} {
  let costUsd: number | null = 0;
  let inputTokens = 0;
  let outputTokens = 0;
  for (const estimate of estimates) {
    inputTokens += estimate.inputTokens;
    outputTokens += estimate.outputTokens;
    costUsd = costUsd === null || estimate.costUsd === null ? null : costUsd + estimate.costUsd;
  }
  return { inputTokens, outputTokens, costUsd };
}
