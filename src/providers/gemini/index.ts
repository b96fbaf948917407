/**
 * Google Gemini through @ai-sdk/google (generateContent), with text-embedding-004 embeddings. GEMINI_BASE_URL
 * includes the API version, e.g. https://generativelanguage.googleapis.com/v1beta.
 */
import { createGoogleGenerativeAI } from '@ai-sdk/google';
import { defineVisionProvider, modelListDetail, probeEndpoint } from '../vision-language/define-provider.js';
import { manifest } from './manifest.js';

export { manifest };

export const factory = defineVisionProvider(manifest, {
  defaultBaseUrl: 'https://generativelanguage.googleapis.com/v1beta',
  requiresApiKey: true,
  defaultTimeoutMs: 120_000,
  defaultConcurrency: 4,
  languageModel: (settings) =>
    createGoogleGenerativeAI({ apiKey: settings.apiKey, baseURL: settings.baseUrl })(settings.model),
  // Gemini 2.5 Flash thinks by default, billed as output; a photo description does not need it. Pro cannot turn
  // thinking off, so it gets room for thoughts and answer.
  languageProviderOptions: (settings) =>
    /^gemini-2\.5-flash/.test(settings.model) ? { google: { thinkingConfig: { thinkingBudget: 0 } } } : undefined,
  maxOutputTokens: (model) => (/^gemini-2\.5-flash|^gemini-2\.0/.test(model) ? 1024 : 8192),
  embedding: {
    defaultModel: 'text-embedding-004',
    dimensions: { 'text-embedding-004': 768, 'gemini-embedding-001': 3072 },
    create: (settings, model) =>
      createGoogleGenerativeAI({ apiKey: settings.apiKey, baseURL: settings.baseUrl }).embedding(model),
    // Gemini embeds queries and documents differently for retrieval; say which one each text is.
    providerOptions: (kind) => ({ google: { taskType: kind === 'query' ? 'RETRIEVAL_QUERY' : 'RETRIEVAL_DOCUMENT' } }),
  },
  probe: (settings, signal) =>
    probeEndpoint(`${settings.baseUrl}/models`, { 'x-goog-api-key': settings.apiKey ?? '' }, signal, (body) =>
      modelListDetail(
        ((body as { models?: { name: string }[] })?.models ?? []).map((model) => model.name),
        settings.model,
      ),
    ),
});
