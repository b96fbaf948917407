/**
 * Facts of the provider for any OpenAI-compatible server. No prices of its own: it may be a self-hosted model (no
 * price known) or a gateway to another vendor's model (priced as that vendor prices it). The provider is in index.ts.
 */

import { numberOption } from '../options.js';
import type { ProviderManifest } from '../spec.js';

export const manifest: ProviderManifest = {
  specificationVersion: 'v1',
  name: 'openai-compatible',
  description: 'Any OpenAI-compatible server: vLLM, llama.cpp, LM Studio, LocalAI, OpenRouter (--base-url)',
  models: [
    'Qwen/Qwen2-VL-7B-Instruct',
    'Qwen/Qwen2.5-VL-7B-Instruct',
    'OpenGVLab/InternVL2-8B',
    'llava-hf/llava-v1.6-mistral-7b-hf',
  ],
  env: {
    apiKey: ['OPENAI_COMPATIBLE_API_KEY'],
    baseUrl: 'OPENAI_COMPATIBLE_BASE_URL',
    model: 'OPENAI_COMPATIBLE_MODEL',
  },
  capabilities: { ask: true, embed: true, ocr: true, objects: true, safety: true, prompt: true },
  imageBudget: (options) => ({ maxSide: numberOption(options, 'maxImageSide') ?? 1024 }),
};
