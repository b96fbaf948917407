/** Google Gemini's facts: environment, prices and how it bills images. The provider itself is in index.ts. */

import { numberOption } from '../options.js';
import type { ProviderManifest } from '../spec.js';
import { tileCount, uploadSize } from '../vision-language/image-budget.js';

/**
 * Gemini bills 768×768 tiles of 258 tokens each, and an image up to 384 px on both sides as one 258-token unit.
 * One tile is the cheapest size that still reads well; the provider option `maxImageSide` raises it.
 */
const MAX_SIDE = 768;
const TOKENS_PER_TILE = 258;

export const manifest: ProviderManifest = {
  specificationVersion: 'v1',
  name: 'gemini',
  description: 'Google Gemini vision models (GEMINI_API_KEY)',
  models: ['gemini-2.5-flash', 'gemini-2.5-flash-lite', 'gemini-2.5-pro', 'gemini-2.0-flash'],
  env: {
    apiKey: ['GEMINI_API_KEY', 'GOOGLE_GENERATIVE_AI_API_KEY'],
    baseUrl: 'GEMINI_BASE_URL',
    model: 'GEMINI_MODEL',
  },
  capabilities: { ask: true, embed: true, ocr: true, objects: true, safety: true, prompt: true },
  // As Google published them in 2025; check the vendor's page before relying on them.
  prices: {
    'gemini-2.5-pro': { inputPerMillion: 1.25, outputPerMillion: 10 },
    'gemini-2.5-flash': { inputPerMillion: 0.3, outputPerMillion: 2.5 },
    'gemini-2.5-flash-lite': { inputPerMillion: 0.1, outputPerMillion: 0.4 },
    'gemini-2.0-flash': { inputPerMillion: 0.1, outputPerMillion: 0.4 },
    'gemini-2.0-flash-lite': { inputPerMillion: 0.075, outputPerMillion: 0.3 },
  },
  imageBudget: (options) => ({ maxSide: numberOption(options, 'maxImageSide') ?? MAX_SIDE }),
  imageTokens(_model, width, height) {
    const size = uploadSize({ maxSide: MAX_SIDE }, width, height);
    if (size.width <= 384 && size.height <= 384) return TOKENS_PER_TILE;
    return tileCount(size.width, size.height, 768) * TOKENS_PER_TILE;
  },
};
