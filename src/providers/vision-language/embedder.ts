/**
 * Text embeddings through the AI SDK (OpenAI, Gemini, Ollama…), with the same retries, timeouts and limits as
 * descriptions. The model id and its dimension travel with every embedder so the store never mixes spaces.
 */
import { type EmbeddingModel, embedMany } from 'ai';
import { GlimpseError } from '../../errors.js';
import type { Embedder } from '../spec.js';
import { type CallSettings, callProvider } from './describer.js';

type EmbedOptions = Parameters<typeof embedMany>[0]['providerOptions'];

export interface VisionLanguageEmbedderConfig extends CallSettings {
  model: EmbeddingModel;
  /** Known dimension of the model's vectors; when absent it is measured with one call. */
  dimensions?: number;
  /** Some models are trained with task prefixes (nomic-embed-text: "search_query: " / "search_document: "). */
  prefixes?: { query: string; document: string };
  /** Provider options per kind, e.g. Gemini's taskType RETRIEVAL_QUERY / RETRIEVAL_DOCUMENT. */
  providerOptions?: (kind: 'query' | 'document') => EmbedOptions;
}

export async function createVisionLanguageEmbedder(config: VisionLanguageEmbedderConfig): Promise<Embedder> {
  async function embed(texts: string[], kind: 'query' | 'document'): Promise<Float32Array[]> {
    if (texts.length === 0) return [];
    const prefix = config.prefixes?.[kind] ?? '';
    const { embeddings } = await callProvider(config, undefined, (abortSignal) =>
      embedMany({
        model: config.model,
        values: texts.map((text) => prefix + text),
        maxRetries: 0,
        abortSignal,
        providerOptions: config.providerOptions?.(kind),
      }),
    );
    return embeddings.map((vector) => Float32Array.from(vector));
  }

  const dimensions = config.dimensions ?? (await embed(['dimension probe'], 'document'))[0]?.length;
  if (!dimensions) {
    throw new GlimpseError(
      'PROVIDER_BAD_OUTPUT',
      `${config.provider} embedding model ${config.modelId} returned an empty vector`,
    );
  }

  return {
    specificationVersion: 'v1',
    provider: config.provider,
    modelId: config.modelId,
    dimensions,
    async embedTexts(texts, kind) {
      const vectors = await embed(texts, kind);
      for (const vector of vectors) {
        if (vector.length !== dimensions) {
          throw new GlimpseError(
            'PROVIDER_BAD_OUTPUT',
            `${config.provider} embedding model ${config.modelId} returned ${vector.length} dimensions, expected ${dimensions}`,
          );
        }
      }
      return vectors;
    },
  };
}
