/**
 * Any server speaking OpenAI Chat Completions: vLLM, llama.cpp server, LM Studio, LocalAI, OpenRouter… It needs
 * --base-url (or OPENAI_COMPATIBLE_BASE_URL) and --model; a key only where the server wants one.
 */
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import { GlimpseError } from '../../errors.js';
import {
  defineVisionProvider,
  modelListDetail,
  probeEndpoint,
  type ResolvedSettings,
} from '../vision-language/define-provider.js';
import { manifest } from './manifest.js';

export { manifest };

function provider(settings: ResolvedSettings) {
  if (!settings.baseUrl) {
    throw new GlimpseError('USAGE', 'openai-compatible needs a server address', {
      hint: 'Pass --base-url http://host:port/v1 (or set OPENAI_COMPATIBLE_BASE_URL).',
    });
  }
  return createOpenAICompatible({
    name: 'openai-compatible',
    baseURL: settings.baseUrl,
    apiKey: settings.apiKey,
    includeUsage: true,
  });
}

export const factory = defineVisionProvider(manifest, {
  defaultBaseUrl: '',
  requiresApiKey: false,
  defaultTimeoutMs: 300_000,
  defaultConcurrency: 2,
  languageModel: (settings) => provider(settings).chatModel(settings.model),
  embedding: {
    defaultModel: 'text-embedding-3-small',
    dimensions: {},
    create: (settings, model) => provider(settings).embeddingModel(model),
  },
  probe: (settings, signal) =>
    settings.baseUrl
      ? probeEndpoint(
          `${settings.baseUrl}/models`,
          settings.apiKey ? { Authorization: `Bearer ${settings.apiKey}` } : {},
          signal,
          (body) =>
            modelListDetail(
              ((body as { data?: { id: string }[] })?.data ?? []).map((model) => model.id),
              settings.model,
            ),
        )
      : Promise.resolve({ ready: false, detail: 'no server address (set --base-url or OPENAI_COMPATIBLE_BASE_URL)' }),
});
