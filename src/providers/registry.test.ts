import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import {
  getProviderFactory,
  providerManifest,
  providerManifests,
  providerNames,
  registerProvider,
  unregisterProvider,
} from './registry.js';
import type { ProviderFactory } from './spec.js';

test('every shipped provider: its factory says what its manifest says', async () => {
  for (const manifest of providerManifests()) {
    assert.equal(manifest.specificationVersion, 'v1');
    const factory = await getProviderFactory(manifest.name);
    assert.deepEqual(
      [factory.name, factory.description, factory.models],
      [manifest.name, manifest.description, manifest.models],
    );
    assert.equal(Boolean(factory.createEmbedder), manifest.capabilities.embed, `${manifest.name}: embed`);
    if (manifest.imageTokens) assert.ok(manifest.imageTokens(manifest.models[0]!, 1024, 768) > 0);
  }
});

test('reading facts loads no provider: the registry and the manifests import no package', () => {
  // Settings, cost estimates and `glimpse models` read every manifest; `glimpse search` must not pay for model
  // runtimes, HTTP clients or native modules. Follows the compiled static imports (type imports are erased).
  const seen = new Set<string>();
  const packages = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const [, specifier] of readFileSync(file, 'utf8').matchAll(/^(?:import|export)\s[^;]*?from\s+'([^']+)'/gm)) {
      if (specifier!.startsWith('.')) visit(join(dirname(file), specifier!));
      else if (!specifier!.startsWith('node:')) packages.add(specifier!);
    }
  };
  visit(fileURLToPath(new URL('./registry.js', import.meta.url)));
  assert.deepEqual([...packages], []);
  assert.ok(seen.size > 7);
});

test('a registered provider without a manifest keeps a shipped one’s facts, or claims no more than its factory shows', () => {
  const stub = (name: string, embeds: boolean): ProviderFactory => ({
    name,
    description: `stub ${name}`,
    models: ['m'],
    createDescriber: () => Promise.reject(new Error('not used')),
    ...(embeds ? { createEmbedder: () => Promise.resolve(null) } : {}),
  });
  registerProvider(stub('openai', false));
  registerProvider(stub('test-plugin', true));
  try {
    assert.deepEqual(providerManifest('openai')?.env.apiKey, ['OPENAI_API_KEY']);
    assert.deepEqual(providerManifest('test-plugin')?.capabilities, {
      ask: false,
      embed: true,
      ocr: false,
      objects: false,
      safety: false,
      prompt: false,
    });
    assert.deepEqual(providerNames().slice(-2), ['local', 'test-plugin']);
    assert.equal(providerManifest('constructor'), undefined);
  } finally {
    unregisterProvider('openai');
    unregisterProvider('test-plugin');
  }
  assert.equal(providerManifest('test-plugin'), undefined);
});
