/** Anthropic Claude (Haiku, Sonnet, Opus) through @ai-sdk/anthropic's Messages API. Claude has no embeddings. */
import { createAnthropic } from '@ai-sdk/anthropic';
import { defineVisionProvider, modelListDetail, probeEndpoint } from '../vision-language/define-provider.js';
import { manifest } from './manifest.js';

export { manifest };

export const ANTHROPIC_VERSION = '2023-06-01';

export const factory = defineVisionProvider(manifest, {
  defaultBaseUrl: 'https://api.anthropic.com/v1',
  requiresApiKey: true,
  defaultTimeoutMs: 120_000,
  defaultConcurrency: 4,
  languageModel: (settings) => createAnthropic({ apiKey: settings.apiKey, baseURL: settings.baseUrl })(settings.model),
  probe: (settings, signal) =>
    probeEndpoint(
      `${settings.baseUrl}/models`,
      { 'x-api-key': settings.apiKey ?? '', 'anthropic-version': ANTHROPIC_VERSION },
      signal,
      (body) =>
        modelListDetail(
          ((body as { data?: { id: string }[] })?.data ?? []).map((model) => model.id),
          settings.model,
        ),
    ),
});
