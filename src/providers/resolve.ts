/**
 * Turning what a user asked for ("builtin", "ollama,builtin", an object) into a describer or embedder.
 */
import { GlimpseError } from '../errors.js';
import { embeddingProviders, getProviderFactory } from './registry.js';
import type { Embedder, ImageDescriber, ProviderSettings } from './spec.js';

type SettingsSource = ProviderSettings | ((name: string) => ProviderSettings);

export async function resolveDescriber(
  provider: ImageDescriber | string,
  settings: SettingsSource,
): Promise<ImageDescriber> {
  if (typeof provider !== 'string') return provider;
  const settingsFor = (name: string) => (typeof settings === 'function' ? settings(name) : settings);
  const names = provider
    .split(',')
    .map((name) => name.trim())
    .filter(Boolean);
  if (names.length === 0) throw new GlimpseError('NO_PROVIDER', 'No provider given');
  if (names.length > 1) {
    // Fallback chains live with the providers that need them (network errors); loaded only when asked for.
    const { createProviderChain } = await import('./fallback.js');
    return createProviderChain(names, settings);
  }
  const factory = await getProviderFactory(names[0]);
  return factory.createDescriber(settingsFor(names[0]));
}

export async function resolveEmbedder(
  embedder: Embedder | string | null | undefined,
  settings: ProviderSettings,
): Promise<Embedder | null> {
  if (embedder === null || embedder === undefined) return null;
  if (typeof embedder !== 'string') return embedder;
  const factory = await getProviderFactory(embedder);
  if (!factory.createEmbedder) {
    const names = embeddingProviders();
    const listed = names.length > 1 ? `${names.slice(0, -1).join(', ')} or ${names.at(-1)}` : names.join('');
    throw new GlimpseError('UNSUPPORTED_TASK', `Provider "${embedder}" has no embedding model`, {
      hint: `Use an embedding provider such as ${listed}, or leave --embedder out.`,
    });
  }
  return factory.createEmbedder(settings);
}
