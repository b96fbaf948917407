/**
 * Builds a registry `ProviderFactory` from a provider's manifest and a small per-vendor definition, so each
 * provider folder holds only what is vendor-specific: its facts (manifest.ts: environment, image budget, prices),
 * its AI SDK model, its embedding models and how to ask whether it is ready.
 */
import type { EmbeddingModel, LanguageModel } from 'ai';
import { GlimpseError } from '../../errors.js';
import { numberOption, stringOption } from '../options.js';
import type { Embedder, ImageDescriber, ProviderFactory, ProviderManifest, ProviderSettings } from '../spec.js';
import { createVisionLanguageDescriber } from './describer.js';
import { createVisionLanguageEmbedder, type VisionLanguageEmbedderConfig } from './embedder.js';
import { createRateLimiter } from './rate-limit.js';
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from './retry.js';

/** Settings after defaults and environment: what a definition's builders receive. */
export interface ResolvedSettings {
  model: string;
  baseUrl: string;
  apiKey: string | undefined;
  timeoutMs: number;
  options: Record<string, unknown>;
}

export interface EmbeddingDefinition {
  defaultModel: string;
  /** Known dimensions; other models are measured with one call. */
  dimensions: Record<string, number>;
  create(settings: ResolvedSettings, model: string): EmbeddingModel;
  prefixes?(model: string): { query: string; document: string } | undefined;
  providerOptions?: VisionLanguageEmbedderConfig['providerOptions'];
}

export interface VisionProviderDefinition {
  defaultBaseUrl: string;
  /** Cloud APIs need a key; local servers do not. */
  requiresApiKey: boolean;
  /** Turns a user's --base-url / env value into the URL the AI SDK wants (e.g. OLLAMA_HOST → …/api). */
  normalizeBaseUrl?(url: string): string;
  defaultTimeoutMs: number;
  defaultConcurrency: number;
  languageModel(settings: ResolvedSettings): LanguageModel;
  languageProviderOptions?(
    settings: ResolvedSettings,
  ): Parameters<typeof createVisionLanguageDescriber>[0]['providerOptions'];
  /** Reasoning ("thinking") models spend output tokens before answering, so they need a larger budget. */
  maxOutputTokens?(model: string): number;
  embedding?: EmbeddingDefinition;
  /** Asks the server (cheaply) whether it answers and accepts the key. */
  probe(settings: ResolvedSettings, signal: AbortSignal): Promise<{ ready: boolean; detail: string }>;
}

export function defineVisionProvider(
  manifest: ProviderManifest,
  definition: VisionProviderDefinition,
): ProviderFactory {
  const keyVariables = manifest.env.apiKey ?? [];
  if (!manifest.imageBudget)
    throw new Error(`${manifest.name}: a vision-language provider's manifest needs an imageBudget`);

  function resolve(settings: ProviderSettings): ResolvedSettings {
    const env = settings.env ?? process.env;
    const baseUrlVariable = manifest.env.baseUrl;
    const rawBaseUrl = settings.baseUrl || (baseUrlVariable && env[baseUrlVariable]) || definition.defaultBaseUrl;
    const baseUrl = (definition.normalizeBaseUrl?.(rawBaseUrl) ?? rawBaseUrl).replace(/\/+$/, '');
    return {
      model: settings.model || manifest.models[0]!,
      baseUrl,
      apiKey: settings.apiKey || keyVariables.map((variable) => env[variable]).find((value) => value),
      timeoutMs: settings.timeoutMs ?? definition.defaultTimeoutMs,
      options: settings.options ?? {},
    };
  }

  function requireKey(resolved: ResolvedSettings) {
    if (definition.requiresApiKey && !resolved.apiKey) {
      throw new GlimpseError('PROVIDER_AUTH', `${manifest.name}: no API key (set ${keyVariables.join(' or ')})`, {
        hint: `Export ${keyVariables[0]}, or run \`glimpse config set providers.${manifest.name}.apiKey -\` and paste it.`,
      });
    }
  }

  function callSettings(resolved: ResolvedSettings, modelId: string) {
    const options = resolved.options;
    return {
      provider: manifest.name,
      modelId,
      baseUrl: resolved.baseUrl,
      timeoutMs: resolved.timeoutMs,
      retry: retryPolicy(options),
      limiter: createRateLimiter({
        concurrency: numberOption(options, 'concurrency') ?? definition.defaultConcurrency,
        requestsPerMinute: numberOption(options, 'requestsPerMinute'),
      }),
    };
  }

  const factory: ProviderFactory = {
    name: manifest.name,
    description: manifest.description,
    models: manifest.models,

    async createDescriber(settings): Promise<ImageDescriber> {
      const resolved = resolve(settings);
      requireKey(resolved);
      return createVisionLanguageDescriber({
        ...callSettings(resolved, resolved.model),
        model: definition.languageModel(resolved),
        budget: manifest.imageBudget!(resolved.options),
        maxOutputTokens:
          numberOption(resolved.options, 'maxOutputTokens') ?? definition.maxOutputTokens?.(resolved.model),
        jsonAttempts: numberOption(resolved.options, 'jsonAttempts'),
        language: stringOption(resolved.options, 'language'),
        providerOptions: definition.languageProviderOptions?.(resolved),
      });
    },

    async readiness(settings) {
      try {
        const resolved = resolve(settings);
        if (definition.requiresApiKey && !resolved.apiKey) {
          return {
            ready: false,
            detail: `no API key (set ${keyVariables.join(' or ')} or providers.${manifest.name}.apiKey)`,
          };
        }
        return await definition.probe(
          resolved,
          AbortSignal.timeout(numberOption(resolved.options, 'readinessTimeoutMs') ?? 3000),
        );
      } catch (error) {
        return { ready: false, detail: (error as Error).message };
      }
    },
  };
  // Only providers with embedding models offer createEmbedder, so `glimpse models` can tell them apart.
  if (definition.embedding) {
    factory.createEmbedder = async (settings: ProviderSettings): Promise<Embedder | null> => {
      const embedding = definition.embedding!;
      const resolved = resolve(settings);
      requireKey(resolved);
      const model = stringOption(resolved.options, 'embeddingModel') ?? embeddingModelFrom(settings.model, embedding);
      return createVisionLanguageEmbedder({
        ...callSettings(resolved, model),
        model: embedding.create(resolved, model),
        dimensions: numberOption(resolved.options, 'embeddingDimensions') ?? embedding.dimensions[model],
        prefixes: embedding.prefixes?.(model),
        providerOptions: embedding.providerOptions,
      });
    };
  }
  return factory;
}

/** GET a URL and say what it means for readiness; never throws. */
export async function probeEndpoint(
  url: string,
  headers: Record<string, string>,
  signal: AbortSignal,
  describeOk: (body: unknown) => { ready: boolean; detail: string },
): Promise<{ ready: boolean; detail: string }> {
  const shown = url.replace(/([?&]key=)[^&]+/, '$1…');
  let response: Response;
  try {
    response = await fetch(url, { headers, signal });
  } catch (error) {
    const reason = signal.aborted
      ? 'no answer in time'
      : ((error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message);
    return { ready: false, detail: `server not answering at ${shown} (${reason})` };
  }
  if (response.status === 401 || response.status === 403)
    return { ready: false, detail: `API key refused (HTTP ${response.status})` };
  if (!response.ok) return { ready: false, detail: `server answered HTTP ${response.status} at ${shown}` };
  let body: unknown = null;
  try {
    body = await response.json();
  } catch {
    // A server that answers but not in JSON is still answering.
  }
  return describeOk(body);
}

/**
 * The embedder may be handed the describer's settings, whose `model` is a vision model: use `model` only when it
 * names an embedding model, else the provider's default embedding model.
 */
function embeddingModelFrom(model: string | undefined, embedding: EmbeddingDefinition): string {
  if (model && (model in embedding.dimensions || /embed|minilm/i.test(model))) return model;
  return embedding.defaultModel;
}

function retryPolicy(options: Record<string, unknown>): RetryPolicy {
  const retries = numberOption(options, 'maxRetries');
  const maxRetryAfterSeconds = numberOption(options, 'maxRetryAfterSeconds');
  return {
    maxAttempts: retries === undefined ? DEFAULT_RETRY_POLICY.maxAttempts : retries + 1,
    baseDelayMs: numberOption(options, 'retryBaseDelayMs') ?? DEFAULT_RETRY_POLICY.baseDelayMs,
    maxDelayMs: numberOption(options, 'retryMaxDelayMs') ?? DEFAULT_RETRY_POLICY.maxDelayMs,
    maxRetryAfterMs:
      maxRetryAfterSeconds === undefined ? DEFAULT_RETRY_POLICY.maxRetryAfterMs : maxRetryAfterSeconds * 1000,
  };
}

export function modelListDetail(available: string[], wanted: string): { ready: boolean; detail: string } {
  if (available.length === 0) return { ready: true, detail: 'server answering' };
  const present = available.some(
    (name) => name === wanted || name === `models/${wanted}` || name.split(':')[0] === wanted,
  );
  return present
    ? { ready: true, detail: `server answering, model ${wanted} available` }
    : { ready: false, detail: `server answering, but model ${wanted} is not among its ${available.length} models` };
}
