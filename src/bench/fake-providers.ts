/**
 * Providers for measuring Glimpse itself rather than a model: an instant describer, one that takes a fixed time
 * (like a remote API), and a deterministic embedder (random projection of word hashes) so sqlite-vec and hybrid
 * fusion do real work without a model.
 */
import { type Embedder, emptyDescription, type ImageDescriber, TASKS } from '../providers/spec.js';

export function fakeDescriber(
  options: { latencyMs?: number; preferredImageSize?: number; name?: string } = {},
): ImageDescriber {
  const latency = options.latencyMs ?? 0;
  return {
    specificationVersion: 'v1',
    provider: options.name ?? (latency ? `fake-${latency}ms` : 'instant'),
    modelId: 'fixed-1',
    capabilities: { tasks: TASKS, ask: false, objects: false, ocr: false, safety: false, prompt: false },
    preferredImageSize: options.preferredImageSize ?? 512,
    promptVersion: 'bench-1',
    async describe() {
      if (latency) await new Promise((resolve) => setTimeout(resolve, latency));
      return { ...emptyDescription('fixed-1'), caption: 'A photo of something on a table.', tags: ['photo', 'table'] };
    },
  };
}

/** 32-bit FNV-1a. */
function hash(text: string): number {
  let value = 0x811c9dc5;
  for (let index = 0; index < text.length; index++) {
    value ^= text.charCodeAt(index);
    value = Math.imul(value, 0x01000193);
  }
  return value >>> 0;
}

/** Each word maps to a fixed pseudo-random ±1 vector (seeded by its hash); a text is the normalised sum. */
export function hashingEmbedder(dimensions = 384): Embedder {
  const cache = new Map<string, Float32Array>();
  const wordVector = (word: string) => {
    let vector = cache.get(word);
    if (vector) return vector;
    vector = new Float32Array(dimensions);
    let state = hash(word) || 1;
    for (let index = 0; index < dimensions; index++) {
      // xorshift32
      state ^= state << 13;
      state ^= state >>> 17;
      state ^= state << 5;
      vector[index] = state & 1 ? 1 : -1;
    }
    cache.set(word, vector);
    return vector;
  };
  const embed = (text: string) => {
    const sum = new Float32Array(dimensions);
    for (const word of text.toLowerCase().match(/[a-z0-9]+/g) ?? []) {
      const vector = wordVector(word);
      for (let index = 0; index < dimensions; index++) sum[index] += vector[index];
    }
    let norm = 0;
    for (const value of sum) norm += value * value;
    norm = Math.sqrt(norm) || 1;
    for (let index = 0; index < dimensions; index++) sum[index] /= norm;
    return sum;
  };
  return {
    specificationVersion: 'v1',
    provider: 'bench',
    modelId: `hashing-${dimensions}`,
    dimensions,
    async embedTexts(texts) {
      return texts.map(embed);
    },
  };
}
