/** Anthropic Claude (Haiku, Sonnet, Opus) through @ai-sdk/anthropic's Messages API. Claude has no embeddings. */
import { createAnthropic } from '@ai-sdk/anthropic';
import { ANTHROPIC_MAX_PIXELS } from '../vision-language/image-budget.js';
import { defineVisionProvider, modelListDetail, numberOption, probeEndpoint } from '../vision-language/define-provider.js';

export const ANTHROPIC_VERSION = '2023-06-01';

export const factory = defineVisionProvider({
  name: 'anthropic',
  description: 'Anthropic Claude vision models (ANTHROPIC_API_KEY)',
  models: ['claude-haiku-4-5', 'claude-sonnet-4-5', 'claude-opus-4-1', 'claude-3-5-haiku-latest'],
  defaultBaseUrl: 'https://api.anthropic.com/v1',
  requiresApiKey: true,
  defaultTimeoutMs: 120_000,
  defaultConcurrency: 4,
  // Claude resizes anything over 1568 px or ~1.15 MP itself; sending more only adds latency.
  budget: (options) => ({ kind: 'anthropic-pixels', maxPixels: ANTHROPIC_MAX_PIXELS, maxSide: numberOption(options, 'maxImageSide') ?? 1568 }),
  languageModel: (settings) => createAnthropic({ apiKey: settings.apiKey, baseURL: settings.baseUrl })(settings.model),
  probe: (settings, signal) =>
    probeEndpoint(`${settings.baseUrl}/models`, { 'x-api-key': settings.apiKey ?? '', 'anthropic-version': ANTHROPIC_VERSION }, signal, (body) =>
      modelListDetail(((body as { data?: { id: string }[] })?.data ?? []).map((model) => model.id), settings.model),
    ),
});
