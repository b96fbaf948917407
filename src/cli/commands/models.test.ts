import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { Command } from 'commander';
import { loadSettings } from '../../config/settings.js';
import { estimateCost } from '../../providers/cost.js';
import {
  askingProviders,
  registerProvider,
  registerProviderCommands,
  unregisterProvider,
} from '../../providers/registry.js';
import type { ProviderFactory, ProviderManifest } from '../../providers/spec.js';
import { tinyModelDirectory } from '../../testing/tiny-models.js';
import { listModels } from './models.js';

test('glimpse models lists the local model folders present, with architecture, size and dtype', async () => {
  const directory = tinyModelDirectory();
  const rows = await listModels({ ...process.env, GLIMPSE_MODELS: directory, XDG_CONFIG_HOME: directory });
  const local = rows.find((row) => row.name === 'local');
  const present = Object.fromEntries((local?.localModels ?? []).map((model) => [model.id, model]));
  assert.equal(present['tiny/florence-2']?.architecture, 'florence2');
  assert.equal(present['tiny/vit-gpt2']?.dtype, 'fp32');
  assert.ok(present['tiny/clip']?.sizeBytes > 10_000);
  assert.equal(local?.ready, true, local?.detail);
});

test('a new vendor is one module (manifest + factory): settings, cost estimates, `glimpse models` and the CLI know it', async () => {
  // Everything Glimpse needs to know about a vendor, as a provider folder's manifest.ts and index.ts would say it.
  const manifest: ProviderManifest = {
    specificationVersion: 'v1',
    name: 'acme',
    description: 'Acme vision models (ACME_API_KEY)',
    models: ['acme-vision-1', 'acme-vision-1-mini'],
    env: { apiKey: ['ACME_API_KEY'], baseUrl: 'ACME_BASE_URL', model: 'ACME_MODEL' },
    capabilities: { ask: true, embed: false, ocr: true, objects: false, safety: false, prompt: true },
    prices: {
      'acme-vision-1': { inputPerMillion: 1, outputPerMillion: 4 },
      'acme-vision-1-mini': { inputPerMillion: 0.5, outputPerMillion: 2 },
    },
    imageTokens: (_model, width, height) => Math.ceil((width * height) / 1000),
    commands: async () => ({
      register: (program) => void program.command('acme-login').description('sign in to Acme'),
    }),
  };
  const factory: ProviderFactory = {
    name: manifest.name,
    description: manifest.description,
    models: manifest.models,
    createDescriber: () => Promise.reject(new Error('not called here')),
    readiness: async (settings) =>
      settings.apiKey ? { ready: true, detail: `key set, ${settings.baseUrl}` } : { ready: false, detail: 'no key' },
  };
  registerProvider(factory, manifest);
  const home = mkdtempSync(join(tmpdir(), 'glimpse-acme-'));
  try {
    const env = {
      XDG_CONFIG_HOME: home,
      ACME_API_KEY: 'acme-secret',
      ACME_BASE_URL: 'http://acme.test/v1',
      ACME_MODEL: 'acme-vision-1-mini',
    };

    const settings = (await loadSettings({ provider: 'acme' }, env)).settingsFor('acme');
    assert.deepEqual(
      [settings.apiKey, settings.baseUrl, settings.model],
      ['acme-secret', 'http://acme.test/v1', 'acme-vision-1-mini'],
    );

    const estimate = estimateCost('acme', 'acme-vision-1-mini-2025', 1000, 1000);
    assert.equal(estimate.inputTokens, 600 + 1000);
    assert.ok(Math.abs(estimate.costUsd! - (1600 * 0.5 + 350 * 2) / 1e6) < 1e-12);

    const row = (await listModels(env)).find((candidate) => candidate.name === 'acme');
    assert.deepEqual(row?.capabilities, manifest.capabilities);
    assert.deepEqual(row?.env.apiKey, ['ACME_API_KEY']);
    assert.deepEqual(
      [row?.ready, row?.detail, row?.model, row?.embeddings],
      [true, 'key set, http://acme.test/v1', 'acme-vision-1-mini', false],
    );

    // The built-in analyzer, refusing a question it cannot answer, names it among those that can.
    assert.ok(askingProviders().includes('acme'));

    const program = new Command('glimpse');
    await registerProviderCommands(program);
    assert.ok(program.commands.some((command) => command.name() === 'acme-login'));
  } finally {
    unregisterProvider('acme');
    rmSync(home, { recursive: true, force: true });
  }
});
