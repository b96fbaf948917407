import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { GlimpseError } from '../errors.js';
import {
  configPath,
  getPath,
  loadProviderSettings,
  loadSettings,
  parseConfigValue,
  REDACTED,
  readConfigFile,
  redact,
  resolveProviderSettings,
  setPath,
  writeConfigFile,
} from './settings.js';

let home: string;
before(async () => {
  home = await mkdtemp(join(tmpdir(), 'glimpse-settings-'));
});
after(() => rm(home, { recursive: true, force: true }));

test('config path: $XDG_CONFIG_HOME/glimpse/config.json, else ~/.config/glimpse/config.json', () => {
  assert.equal(configPath({ XDG_CONFIG_HOME: '/x/config', HOME: '/home/u' }), '/x/config/glimpse/config.json');
  assert.match(configPath({ HOME: '/home/u' }), /\.config\/glimpse\/config\.json$/);
  assert.equal(configPath({ GLIMPSE_CONFIG: '/etc/glimpse.json' }), '/etc/glimpse.json');
});

test('precedence: flags > environment > file > defaults', async () => {
  const env = { XDG_CONFIG_HOME: home, OPENAI_API_KEY: 'sk-env', OPENAI_BASE_URL: 'http://env-proxy/v1' };
  await writeConfigFile(configPath(env), {
    provider: 'openai',
    providers: {
      openai: { apiKey: 'sk-file', model: 'gpt-4o', baseUrl: 'http://file-proxy/v1', options: { concurrency: 2 } },
    },
  });

  const fromFileAndEnv = await loadSettings({}, env);
  assert.equal(fromFileAndEnv.provider, 'openai');
  const settings = fromFileAndEnv.settingsFor('openai');
  assert.equal(settings.apiKey, 'sk-env');
  assert.equal(settings.baseUrl, 'http://env-proxy/v1');
  assert.equal(settings.model, 'gpt-4o');
  assert.deepEqual(settings.options, { concurrency: 2 });

  const flagged = (
    await loadSettings({ provider: 'openai', model: 'gpt-4o-mini', baseUrl: 'http://flag/v1', apiKey: 'sk-flag' }, env)
  ).settingsFor('openai');
  assert.deepEqual([flagged.model, flagged.baseUrl, flagged.apiKey], ['gpt-4o-mini', 'http://flag/v1', 'sk-flag']);

  const defaults = await loadSettings({}, { XDG_CONFIG_HOME: join(home, 'empty') });
  assert.equal(defaults.provider, 'builtin');
  assert.deepEqual(defaults.settingsFor('openai').options, {});

  assert.equal((await loadSettings({}, { ...env, GLIMPSE_PROVIDER: 'gemini' })).provider, 'gemini');
});

test('in a chain, --model and --base-url belong to the first provider only', async () => {
  const loaded = await loadSettings(
    { provider: 'ollama,builtin', model: 'llava', baseUrl: 'http://gpu:11434' },
    { XDG_CONFIG_HOME: join(home, 'none') },
  );
  assert.equal(loaded.settingsFor('ollama').model, 'llava');
  assert.equal(loaded.settingsFor('builtin').model, undefined);
  assert.equal(loaded.settingsFor('builtin').baseUrl, undefined);
});

test('provider-specific environment variables: GEMINI_API_KEY or GOOGLE_GENERATIVE_AI_API_KEY, OLLAMA_HOST', () => {
  assert.equal(resolveProviderSettings('gemini', {}, { GOOGLE_GENERATIVE_AI_API_KEY: 'g' }, {}).apiKey, 'g');
  assert.equal(resolveProviderSettings('ollama', {}, { OLLAMA_HOST: 'gpu:11434' }, {}).baseUrl, 'gpu:11434');
  assert.equal(resolveProviderSettings('anthropic', {}, { OPENAI_API_KEY: 'wrong vendor' }, {}).apiKey, undefined);
});

test('the file is written 0600 and read back; broken JSON is a clear error naming the file', async () => {
  const path = join(home, 'written', 'config.json');
  await writeConfigFile(path, { providers: { anthropic: { apiKey: 'sk-ant-secret' } } });
  assert.equal((await stat(path)).mode & 0o777, 0o600);
  assert.equal((await readConfigFile(path)).providers?.anthropic?.apiKey, 'sk-ant-secret');
  assert.deepEqual(await readConfigFile(join(home, 'missing.json')), {});
  await writeFile(join(home, 'broken.json'), '{"provider": ');
  await assert.rejects(readConfigFile(join(home, 'broken.json')), (error: unknown) => {
    assert.ok(GlimpseError.is(error, 'USAGE'));
    assert.match(error.message, /broken\.json/);
    return true;
  });
  assert.match(await readFile(path, 'utf8'), /\n$/);
});

test('redaction hides every key, token and secret, keeps the rest', () => {
  const shown = redact({
    provider: 'openai',
    providers: { openai: { apiKey: 'sk-123', model: 'gpt-4o' }, x: { token: 't', options: { password: 'p' } } },
  });
  assert.equal(shown.providers.openai.apiKey, REDACTED);
  assert.equal(shown.providers.openai.model, 'gpt-4o');
  assert.equal(shown.providers.x.token, REDACTED);
  assert.equal(shown.providers.x.options.password, REDACTED);
  assert.doesNotMatch(JSON.stringify(shown), /sk-123/);
});

test('dotted paths get, set and unset; values are typed; prototype keys are refused', () => {
  const config = {};
  setPath(config, 'providers.openai.model', 'gpt-4o');
  setPath(
    config,
    'providers.openai.options.concurrency',
    parseConfigValue('providers.openai.options.concurrency', '3'),
  );
  assert.equal(getPath(config, 'providers.openai.model'), 'gpt-4o');
  assert.equal(getPath(config, 'providers.openai.options.concurrency'), 3);
  // What every object inherits is not a setting.
  assert.equal(getPath(config, 'constructor'), undefined);
  assert.equal(getPath(config, 'providers.toString'), undefined);
  setPath(config, 'providers.openai.model', undefined);
  assert.equal(getPath(config, 'providers.openai.model'), undefined);
  assert.equal(parseConfigValue('providers.openai.apiKey', '12345'), '12345');
  assert.throws(
    () => setPath(config, '__proto__.polluted', 'yes'),
    (error: unknown) => GlimpseError.is(error, 'USAGE'),
  );
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
});

test('loadProviderSettings (the CLI entry point): file values, embedding model kept apart from the vision model', async () => {
  const env = { XDG_CONFIG_HOME: join(home, 'cli') };
  await writeConfigFile(configPath(env), {
    provider: 'openai',
    providers: { openai: { apiKey: 'sk-file', model: 'gpt-4o' } },
  });
  const describing = await loadProviderSettings({ timeoutMs: 5000 }, env);
  assert.equal(describing.provider, 'openai');
  assert.deepEqual(
    [describing.settings.apiKey, describing.settings.model, describing.settings.timeoutMs],
    ['sk-file', 'gpt-4o', 5000],
  );
  const embedding = await loadProviderSettings(
    { provider: 'openai', model: 'text-embedding-3-large', embedding: true },
    env,
  );
  assert.equal(embedding.settings.model, 'gpt-4o');
  assert.equal(embedding.settings.options?.embeddingModel, 'text-embedding-3-large');
});
