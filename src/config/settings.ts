/**
 * Settings from flags, environment and the config file, in that order of precedence (then defaults).
 *
 * The config file is `$XDG_CONFIG_HOME/glimpse/config.json`, else `~/.config/glimpse/config.json`, e.g.
 *   { "provider": "openai", "providers": { "openai": { "apiKey": "…", "model": "gpt-4o-mini", "baseUrl": "…" } } }
 * It is written with mode 0600 because it may hold API keys. Keys are never printed: every display goes through
 * `redact`.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { GlimpseError } from '../errors.js';
import { providerManifest } from '../providers/registry.js';
import type { ProviderSettings } from '../providers/spec.js';
import { configDirectory } from './paths.js';

type Environment = Record<string, string | undefined>;

export interface ProviderConfig {
  apiKey?: string;
  model?: string;
  baseUrl?: string;
  timeoutMs?: number;
  /** Provider extras: concurrency, requestsPerMinute, embeddingModel, maxImageSide, api… */
  options?: Record<string, unknown>;
}

export interface ConfigFile {
  provider?: string;
  providers?: Record<string, ProviderConfig>;
  [setting: string]: unknown;
}

/** Settings given on the command line; undefined means "not given". */
export interface SettingsFlags {
  provider?: string;
  model?: string;
  baseUrl?: string;
  apiKey?: string;
  timeoutMs?: number;
  options?: Record<string, unknown>;
}

export const DEFAULT_PROVIDER = 'builtin';

export function configPath(env: Environment = process.env): string {
  return env.GLIMPSE_CONFIG || join(configDirectory(env), 'config.json');
}

export async function readConfigFile(path: string): Promise<ConfigFile> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new GlimpseError('USAGE', `${path}: cannot read the config file (${(error as Error).message})`, {
      path,
      cause: error,
    });
  }
  try {
    const parsed = JSON.parse(text) as unknown;
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
      throw new Error('the top level must be an object');
    return parsed as ConfigFile;
  } catch (error) {
    throw new GlimpseError('USAGE', `${path}: the config file is not valid JSON (${(error as Error).message})`, {
      path,
      hint: 'Fix or delete the file; `glimpse config path` shows where it is.',
      cause: error,
    });
  }
}

export async function writeConfigFile(path: string, config: ConfigFile): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
  await rename(temporary, path); // atomic: a crash never leaves half a config
}

/** The provider to use: --provider, then GLIMPSE_PROVIDER, then the file, then the built-in analyzer. */
export function resolveProviderName(flags: SettingsFlags, env: Environment, file: ConfigFile): string {
  return flags.provider || env.GLIMPSE_PROVIDER || file.provider || DEFAULT_PROVIDER;
}

/** ProviderSettings for one provider, each field taken from flags, else environment, else file. */
export function resolveProviderSettings(
  name: string,
  flags: SettingsFlags,
  env: Environment,
  file: ConfigFile,
): ProviderSettings {
  // Own keys only: a provider called "constructor" must not read Object's methods as settings.
  const fromFile = (file.providers && Object.hasOwn(file.providers, name) ? file.providers[name] : undefined) ?? {};
  // Where the provider reads its key, endpoint and model from the environment: a fact of its manifest.
  const names = providerManifest(name)?.env ?? {};
  const envKey = names.apiKey?.map((variable) => env[variable]).find((value) => value);
  const timeoutFromEnv = env.GLIMPSE_TIMEOUT_MS ? Number(env.GLIMPSE_TIMEOUT_MS) : undefined;
  const settings: ProviderSettings = {
    model: flags.model || (names.model && env[names.model]) || env.GLIMPSE_MODEL || fromFile.model,
    baseUrl: flags.baseUrl || (names.baseUrl && env[names.baseUrl]) || fromFile.baseUrl,
    apiKey: flags.apiKey || envKey || fromFile.apiKey,
    timeoutMs: flags.timeoutMs ?? (Number.isFinite(timeoutFromEnv) ? timeoutFromEnv : undefined) ?? fromFile.timeoutMs,
    options: { ...fromFile.options, ...flags.options },
    env,
  };
  for (const key of Object.keys(settings) as (keyof ProviderSettings)[])
    if (settings[key] === undefined) delete settings[key];
  return settings;
}

export interface LoadedSettings {
  provider: string;
  /** Settings for the chosen provider (for a chain "a,b", for each name). */
  settingsFor(name: string): ProviderSettings;
  configPath: string;
  file: ConfigFile;
}

/** Everything the CLI and createGlimpse need: read the file once, then resolve per provider. */
export async function loadSettings(flags: SettingsFlags = {}, env: Environment = process.env): Promise<LoadedSettings> {
  const path = configPath(env);
  const file = await readConfigFile(path);
  const provider = resolveProviderName(flags, env, file);
  const chain = provider.split(',').map((name) => name.trim());
  return {
    provider,
    configPath: path,
    file,
    // --model and --base-url name one endpoint: in a chain they apply to its first provider only.
    settingsFor: (name) =>
      resolveProviderSettings(
        name,
        name === chain[0] ? flags : { ...flags, model: undefined, baseUrl: undefined },
        env,
        file,
      ),
  };
}

const SECRET = /key|token|secret|password|authorization/i;

export const REDACTED = '(set, hidden)';

/** A copy safe to print: every secret-looking value replaced. */
export function redact<T>(value: T, name = ''): T {
  if (value === null || value === undefined) return value;
  if (typeof value === 'string') return (SECRET.test(name) && value !== '' ? REDACTED : value) as T;
  if (Array.isArray(value)) return value.map((item) => redact(item, name)) as T;
  if (typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, redact(item, key)])) as T;
  }
  return value;
}

export function isSecretKey(path: string): boolean {
  return SECRET.test(path.split('.').at(-1) ?? '');
}

/** Dotted paths ("providers.openai.model") into the config object. */
export function getPath(config: ConfigFile, path: string): unknown {
  // Own keys only: "constructor" is not a setting.
  return path
    .split('.')
    .reduce<unknown>(
      (node, key) =>
        node && typeof node === 'object' && Object.hasOwn(node, key)
          ? (node as Record<string, unknown>)[key]
          : undefined,
      config,
    );
}

export function setPath(config: ConfigFile, path: string, value: unknown): ConfigFile {
  const keys = path.split('.');
  if (keys.some((key) => key === '' || key === '__proto__' || key === 'constructor' || key === 'prototype')) {
    throw new GlimpseError('USAGE', `"${path}" is not a valid setting name`, {
      hint: 'Use dotted names like providers.openai.model.',
    });
  }
  let node = config as Record<string, unknown>;
  for (const key of keys.slice(0, -1)) {
    if (!node[key] || typeof node[key] !== 'object') node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  if (value === undefined) delete node[keys.at(-1)!];
  else node[keys.at(-1)!] = value;
  return config;
}

/** Config values typed from their text: numbers and booleans become JSON values, the rest stay strings. */
export function parseConfigValue(path: string, text: string): unknown {
  if (isSecretKey(path)) return text; // never coerce a key
  if (/^(true|false)$/.test(text)) return text === 'true';
  if (/^-?\d+(\.\d+)?$/.test(text)) return Number(text);
  return text;
}

/**
 * The CLI's entry point, shaped like `loadProviderSettings` in cli-settings.ts so it can replace it: flags, then
 * environment, then the config file. For a chain ("ollama,builtin") the settings are those of its first provider;
 * pass `loadSettings(...).settingsFor` to createProviderChain to give every member its own.
 */
export async function loadProviderSettings(
  flags: { provider?: string; model?: string; baseUrl?: string; timeoutMs?: number; embedding?: boolean },
  env: Environment = process.env,
): Promise<{ provider: string; settings: ProviderSettings }> {
  const { embedding, model, ...rest } = flags;
  const loaded = await loadSettings(embedding ? rest : { ...rest, model }, env);
  const settings = loaded.settingsFor(loaded.provider.split(',')[0]!.trim());
  const embeddingModel = embedding ? model || env.GLIMPSE_EMBEDDING_MODEL : undefined;
  if (embeddingModel) settings.options = { ...settings.options, embeddingModel };
  return { provider: loaded.provider, settings };
}
