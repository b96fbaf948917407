/**
 * The local provider's facts: free, offline, no key; its own CLI command (`glimpse models pull`); and it becomes the
 * default provider when a captioning model's files are present. The provider itself is in index.ts.
 */
import type { ProviderManifest } from '../spec.js';

export const manifest: ProviderManifest = {
  specificationVersion: 'v1',
  name: 'local',
  description:
    'In-process ONNX models on CPU (Florence-2, vit-gpt2, CLIP, SigLIP, MiniLM) with transformers.js; no server, fully offline once the files are present.',
  models: ['florence-2-base', 'florence-2-large', 'vit-gpt2', 'clip', 'siglip', 'minilm'],
  env: {
    other: {
      GLIMPSE_MODELS: 'where local models live (default ~/.cache/glimpse/models)',
      HF_ENDPOINT: 'hub or mirror `glimpse models pull` downloads from (default https://huggingface.co)',
      HF_TOKEN: 'hub token, for gated or private models',
    },
  },
  // Florence-2 and vit-gpt2 run fixed tasks: they describe, read text and find objects, but answer no questions.
  capabilities: { ask: false, embed: true, ocr: true, objects: true, safety: false, prompt: false },
  prices: 'free',
  commands: () => import('./models-pull.js'),
  async autoSelect(settings) {
    const { bestLocalCaptioner, modelDirectory } = await import('./model-directory.js');
    return bestLocalCaptioner(modelDirectory(settings));
  },
};
