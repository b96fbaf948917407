/** The built-in analyzer's facts: free, offline, answers only some questions. The provider itself is in index.ts. */
import type { ProviderManifest } from '../spec.js';

/** The model id every description from the analyzer carries. */
export const MODEL_ID = 'builtin-1';

export const manifest: ProviderManifest = {
  specificationVersion: 'v1',
  name: 'builtin',
  description:
    'Built-in offline analyzer: objects, text, colours and safety from small bundled models; no key, server or download.',
  models: [MODEL_ID],
  env: {
    other: {
      GLIMPSE_BUILTIN_WORKERS: 'analysis worker threads (default min(2, cores))',
      GLIMPSE_WASM_THREADS: '1 lets the WASM backend use threads of its own within each worker',
    },
  },
  // It answers counting, presence, text and colour questions from what its models detect, and refuses the rest.
  capabilities: { ask: 'limited', embed: false, ocr: true, objects: true, safety: true, prompt: false },
  prices: 'free',
};
