/**
 * The one provider registry. Each provider is one folder: a light `manifest` (its facts) and a `factory` in
 * index.ts, loaded only when the provider is used, so that `glimpse search` never pays for TensorFlow, ONNX or HTTP
 * clients it does not use. Adding a provider is one folder and one line in PROVIDERS.
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Command } from 'commander';
import { GlimpseError } from '../errors.js';
import { manifest as anthropic } from './anthropic/manifest.js';
import { manifest as builtin } from './builtin/manifest.js';
import { manifest as gemini } from './gemini/manifest.js';
import { manifest as local } from './local/manifest.js';
import { manifest as ollama } from './ollama/manifest.js';
import { manifest as openai } from './openai/manifest.js';
import { manifest as openaiCompatible } from './openai-compatible/manifest.js';
import type { ProviderFactory, ProviderManifest, ProviderSettings } from './spec.js';

export interface ProviderEntry {
  manifest: ProviderManifest;
  load(): Promise<{ factory: ProviderFactory }>;
}

/** The providers Glimpse ships, in the order `glimpse models` lists them. */
const PROVIDERS: readonly ProviderEntry[] = [
  { manifest: builtin, load: () => import('./builtin/index.js') },
  { manifest: openai, load: () => import('./openai/index.js') },
  { manifest: anthropic, load: () => import('./anthropic/index.js') },
  { manifest: gemini, load: () => import('./gemini/index.js') },
  { manifest: ollama, load: () => import('./ollama/index.js') },
  { manifest: openaiCompatible, load: () => import('./openai-compatible/index.js') },
  { manifest: local, load: () => import('./local/index.js') },
];

/** Providers registered at run time (tests, plugins). They shadow shipped ones of the same name. */
const registered = new Map<string, { factory: ProviderFactory; manifest: ProviderManifest }>();

function shipped(name: string): ProviderEntry | undefined {
  return PROVIDERS.find((entry) => entry.manifest.name === name);
}

/**
 * Adds a provider at run time. Its manifest gives its facts (environment variables, prices, capabilities,
 * commands); without one, a provider shadowing a shipped one keeps that one's facts, and a new one claims no more
 * than its factory shows.
 */
export function registerProvider(factory: ProviderFactory, manifest?: ProviderManifest): void {
  if (manifest && manifest.name !== factory.name) {
    throw new GlimpseError('USAGE', `The manifest of provider "${factory.name}" is named "${manifest.name}"`);
  }
  registered.set(factory.name, {
    factory,
    manifest: manifest ?? shipped(factory.name)?.manifest ?? manifestOf(factory),
  });
}

export function unregisterProvider(name: string): void {
  registered.delete(name);
}

function manifestOf(factory: ProviderFactory): ProviderManifest {
  return {
    specificationVersion: 'v1',
    name: factory.name,
    description: factory.description,
    models: factory.models,
    env: {},
    capabilities: {
      ask: false,
      embed: Boolean(factory.createEmbedder),
      ocr: false,
      objects: false,
      safety: false,
      prompt: false,
    },
  };
}

export function providerNames(): string[] {
  return providerManifests().map((manifest) => manifest.name);
}

/** Every provider's facts: shipped ones in list order (or what shadows them), then those registered. */
export function providerManifests(): ProviderManifest[] {
  const manifests = PROVIDERS.map((entry) => registered.get(entry.manifest.name)?.manifest ?? entry.manifest);
  for (const [name, provider] of registered) if (!shipped(name)) manifests.push(provider.manifest);
  return manifests;
}

/** A provider's facts, without loading it; undefined for names the registry does not know (module paths too). */
export function providerManifest(name: string): ProviderManifest | undefined {
  return registered.get(name)?.manifest ?? shipped(name)?.manifest;
}

/** Names of the providers that can answer any question about an image. */
export function askingProviders(): string[] {
  return providerManifests()
    .filter((manifest) => manifest.capabilities.ask === true)
    .map((manifest) => manifest.name);
}

/** Names of the providers with embedding models. */
export function embeddingProviders(): string[] {
  return providerManifests()
    .filter((manifest) => manifest.capabilities.embed)
    .map((manifest) => manifest.name);
}

/**
 * Adds every provider's own CLI commands to the program (e.g. `glimpse models pull` from `local`). A command module
 * that fails to load is an error, never silently left out.
 */
export async function registerProviderCommands(program: Command): Promise<void> {
  for (const manifest of providerManifests()) {
    if (!manifest.commands) continue;
    const commands = await manifest.commands();
    commands.register(program);
  }
}

/**
 * When the user names no provider: the first provider (in list order) with a model ready on this machine, e.g.
 * `local` when a captioning model's files are present; null when none has one.
 */
export async function autoSelectProvider(
  settingsFor: (name: string) => ProviderSettings,
): Promise<{ provider: string; model: string } | null> {
  for (const manifest of providerManifests()) {
    const model = await manifest.autoSelect?.(settingsFor(manifest.name));
    if (model) return { provider: manifest.name, model };
  }
  return null;
}

/**
 * A provider outside Glimpse: `--provider ./my-provider.js` (or `module:<path>`) loads a JavaScript module that
 * exports `factory` as this registry's entries do. For plugins, and for tests that drive the real CLI.
 */
async function loadModuleProvider(specifier: string): Promise<ProviderFactory> {
  const path = resolve(specifier.replace(/^module:/, ''));
  let module: { factory?: ProviderFactory };
  try {
    module = await import(pathToFileURL(path).href);
  } catch (error) {
    throw new GlimpseError('UNKNOWN_PROVIDER', `Cannot load provider module ${path}: ${(error as Error).message}`, {
      path,
      cause: error,
    });
  }
  if (!module.factory?.createDescriber) {
    throw new GlimpseError('UNKNOWN_PROVIDER', `${path} does not export a provider \`factory\``, {
      path,
      hint: 'Export `factory` with createDescriber(settings), as described in src/providers/spec.ts.',
    });
  }
  return module.factory;
}

export async function getProviderFactory(name: string): Promise<ProviderFactory> {
  const own = registered.get(name);
  if (own) return own.factory;
  if (name.startsWith('module:') || /\.(m?js)$/.test(name)) return loadModuleProvider(name);
  // Looked up by manifest name, so "constructor" or "toString" never find Object's methods.
  const entry = shipped(name);
  if (!entry) {
    throw new GlimpseError('UNKNOWN_PROVIDER', `Unknown provider "${name}". Known: ${providerNames().join(', ')}.`);
  }
  try {
    return (await entry.load()).factory;
  } catch (error) {
    if (error instanceof GlimpseError) throw error;
    throw new GlimpseError(
      'PROVIDER_UNAVAILABLE',
      `Provider "${name}" could not be loaded: ${(error as Error).message}`,
      {
        cause: error,
        hint: 'Reinstall Glimpse (npm install) so its dependencies are present.',
      },
    );
  }
}
