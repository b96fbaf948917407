/** Ollama's facts: a local server, so no key and no bill. The provider itself is in index.ts. */

import { numberOption } from '../options.js';
import type { ProviderManifest } from '../spec.js';

export const manifest: ProviderManifest = {
  specificationVersion: 'v1',
  name: 'ollama',
  description: 'Local models served by Ollama (OLLAMA_HOST, default http://127.0.0.1:11434)',
  models: ['qwen2.5vl', 'llama3.2-vision', 'llava', 'gemma3', 'moondream', 'minicpm-v'],
  env: { baseUrl: 'OLLAMA_HOST', model: 'OLLAMA_MODEL' },
  capabilities: { ask: true, embed: true, ocr: true, objects: true, safety: true, prompt: true },
  prices: 'free',
  // No bill, but larger images are slower: only the longest side is capped.
  imageBudget: (options) => ({ maxSide: numberOption(options, 'maxImageSide') ?? 1024 }),
};
