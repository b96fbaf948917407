/** OpenAI's facts: environment, prices and how it bills images. The provider itself is in index.ts. */
import type { ImageBudget, ProviderManifest } from '../spec.js';
import { tileCount, uploadSize } from '../vision-language/image-budget.js';

/** High detail: fit in 2048×2048, then shortest side at most 768; billed in 512 px tiles. */
const BUDGET: ImageBudget = { maxSide: 2048, maxShortSide: 768 };

export const manifest: ProviderManifest = {
  specificationVersion: 'v1',
  name: 'openai',
  description: 'OpenAI GPT-4o / GPT-4.1 / GPT-5 vision models (OPENAI_API_KEY)',
  models: ['gpt-4o-mini', 'gpt-4o', 'gpt-4.1-mini', 'gpt-4.1', 'gpt-5-mini', 'gpt-5'],
  env: { apiKey: ['OPENAI_API_KEY'], baseUrl: 'OPENAI_BASE_URL', model: 'OPENAI_MODEL' },
  capabilities: { ask: true, embed: true, ocr: true, objects: true, safety: true, prompt: true },
  // As OpenAI published them in 2025; check the vendor's page before relying on them.
  prices: {
    'gpt-4o': { inputPerMillion: 2.5, outputPerMillion: 10 },
    'gpt-4o-mini': { inputPerMillion: 0.15, outputPerMillion: 0.6 },
    'gpt-4.1': { inputPerMillion: 2, outputPerMillion: 8 },
    'gpt-4.1-mini': { inputPerMillion: 0.4, outputPerMillion: 1.6 },
    'gpt-4.1-nano': { inputPerMillion: 0.1, outputPerMillion: 0.4 },
    'gpt-5': { inputPerMillion: 1.25, outputPerMillion: 10 },
    'gpt-5-mini': { inputPerMillion: 0.25, outputPerMillion: 2 },
    'gpt-5-nano': { inputPerMillion: 0.05, outputPerMillion: 0.4 },
    'text-embedding-3-small': { inputPerMillion: 0.02, outputPerMillion: 0 },
    'text-embedding-3-large': { inputPerMillion: 0.13, outputPerMillion: 0 },
  },
  imageBudget: () => BUDGET,
  imageTokens(model, width, height) {
    const size = uploadSize(BUDGET, width, height);
    const tiles = tileCount(size.width, size.height, 512);
    // gpt-4o-mini bills an image at many more tokens than gpt-4o, at a lower price per token (OpenAI's pricing page).
    return model.startsWith('gpt-4o-mini') ? 2833 + 5667 * tiles : 85 + 170 * tiles;
  },
};
