/**
 * The one model registry: provider name → factory. Factories load lazily so that `glimpse search` never pays for
 * TensorFlow, ONNX or HTTP clients it does not use. Each provider lives in its own folder and exports `factory`.
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { GlimpseError } from '../errors.js';
import type { ProviderFactory } from './spec.js';

type Loader = () => Promise<ProviderFactory>;

const loaders: Record<string, Loader> = {
  builtin: async () => (await import('./builtin/index.js')).factory,
  openai: async () => (await import('./openai/index.js')).factory,
  anthropic: async () => (await import('./anthropic/index.js')).factory,
  gemini: async () => (await import('./gemini/index.js')).factory,
  ollama: async () => (await import('./ollama/index.js')).factory,
  'openai-compatible': async () => (await import('./openai-compatible/index.js')).factory,
  local: async () => (await import('./local/index.js')).factory,
};

/** Factories registered at run time (tests, plugins). They shadow built-in names. */
const registered = new Map<string, ProviderFactory>();

export function registerProvider(factory: ProviderFactory): void {
  registered.set(factory.name, factory);
}

export function unregisterProvider(name: string): void {
  registered.delete(name);
}

export function providerNames(): string[] {
  return [...new Set([...Object.keys(loaders), ...registered.keys()])];
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
    throw new GlimpseError('UNKNOWN_PROVIDER', `Cannot load provider module ${path}: ${(error as Error).message}`, { path, cause: error });
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
  if (own) return own;
  if (name.startsWith('module:') || /\.(m?js)$/.test(name)) return loadModuleProvider(name);
  // Own keys only: "constructor" or "toString" must not find Object's methods.
  const loader = Object.hasOwn(loaders, name) ? loaders[name] : undefined;
  if (!loader) {
    throw new GlimpseError('UNKNOWN_PROVIDER', `Unknown provider "${name}". Known: ${providerNames().join(', ')}.`);
  }
  try {
    return await loader();
  } catch (error) {
    if (error instanceof GlimpseError) throw error;
    throw new GlimpseError('PROVIDER_UNAVAILABLE', `Provider "${name}" could not be loaded: ${(error as Error).message}`, {
      cause: error,
      hint: 'Reinstall Glimpse (npm install) so its dependencies are present.',
    });
  }
}
