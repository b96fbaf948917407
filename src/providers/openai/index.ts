/**
 * OpenAI (GPT-4o, GPT-4o-mini, GPT-4.1, GPT-5…) through @ai-sdk/openai. The Responses API is the default, as in
 * the SDK; set the option `api: "chat"` for Chat Completions (Azure-style gateways and older proxies).
 */
import { createOpenAI } from '@ai-sdk/openai';
import { stringOption } from '../options.js';
import { defineVisionProvider, modelListDetail, probeEndpoint } from '../vision-language/define-provider.js';
import { manifest } from './manifest.js';

export { manifest };

export const factory = defineVisionProvider(manifest, {
  defaultBaseUrl: 'https://api.openai.com/v1',
  requiresApiKey: true,
  defaultTimeoutMs: 120_000,
  defaultConcurrency: 4,
  languageModel(settings) {
    const openai = createOpenAI({ apiKey: settings.apiKey, baseURL: settings.baseUrl });
    return stringOption(settings.options, 'api') === 'chat'
      ? openai.chat(settings.model)
      : openai.responses(settings.model);
  },
  // Reasoning models (o-series, GPT-5): describing a photo needs little deliberation; keep it cheap and leave room
  // for the answer after the reasoning tokens.
  languageProviderOptions: (settings) =>
    isReasoningModel(settings.model) ? { openai: { reasoningEffort: 'low' } } : undefined,
  maxOutputTokens: (model) => (isReasoningModel(model) ? 4096 : 1024),
  embedding: {
    defaultModel: 'text-embedding-3-small',
    dimensions: { 'text-embedding-3-small': 1536, 'text-embedding-3-large': 3072, 'text-embedding-ada-002': 1536 },
    create: (settings, model) => createOpenAI({ apiKey: settings.apiKey, baseURL: settings.baseUrl }).embedding(model),
  },
  probe: (settings, signal) =>
    probeEndpoint(`${settings.baseUrl}/models`, { Authorization: `Bearer ${settings.apiKey}` }, signal, (body) =>
      modelListDetail(
        ((body as { data?: { id: string }[] })?.data ?? []).map((model) => model.id),
        settings.model,
      ),
    ),
});

function isReasoningModel(model: string): boolean {
  return /^(o\d|gpt-5)/.test(model) && !model.includes('chat');
}
