/** Anthropic's facts: environment, prices and how Claude bills images. The provider itself is in index.ts. */

import { numberOption } from '../options.js';
import type { ImageBudget, ProviderManifest } from '../spec.js';
import { uploadSize } from '../vision-language/image-budget.js';

/** Claude resizes anything over 1568 px or about 1.15 megapixels itself; sending more only adds latency. */
const MAX_SIDE = 1568;
const MAX_PIXELS = 1_150_000;

export const manifest: ProviderManifest = {
  specificationVersion: 'v1',
  name: 'anthropic',
  description: 'Anthropic Claude vision models (ANTHROPIC_API_KEY)',
  models: ['claude-haiku-4-5', 'claude-sonnet-4-5', 'claude-opus-4-1', 'claude-3-5-haiku-latest'],
  env: { apiKey: ['ANTHROPIC_API_KEY'], baseUrl: 'ANTHROPIC_BASE_URL', model: 'ANTHROPIC_MODEL' },
  // Claude has no embedding models.
  capabilities: { ask: true, embed: false, ocr: true, objects: true, safety: true, prompt: true },
  // As Anthropic published them in 2025; check the vendor's page before relying on them.
  prices: {
    'claude-opus-4': { inputPerMillion: 15, outputPerMillion: 75 },
    'claude-sonnet-4': { inputPerMillion: 3, outputPerMillion: 15 },
    'claude-3-7-sonnet': { inputPerMillion: 3, outputPerMillion: 15 },
    'claude-3-5-sonnet': { inputPerMillion: 3, outputPerMillion: 15 },
    'claude-haiku-4': { inputPerMillion: 1, outputPerMillion: 5 },
    'claude-3-5-haiku': { inputPerMillion: 0.8, outputPerMillion: 4 },
  },
  imageBudget: (options): ImageBudget => ({
    maxSide: numberOption(options, 'maxImageSide') ?? MAX_SIDE,
    maxPixels: MAX_PIXELS,
  }),
  imageTokens(_model, width, height) {
    // Billed at width × height / 750 tokens, after Claude's own resizing.
    const size = uploadSize({ maxSide: MAX_SIDE, maxPixels: MAX_PIXELS }, width, height);
    return Math.ceil((size.width * size.height) / 750);
  },
};
