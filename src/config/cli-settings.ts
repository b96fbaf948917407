/**
 * Provider settings for the CLI and the server: flags, then environment, then the config file (settings.ts), and
 * when none of them names a provider, the best one present on this machine (a provider's manifest may claim the
 * default, as `local` does when a captioning model's files are there), else the built-in analyzer.
 */
import { autoSelectProvider } from '../providers/registry.js';
import type { ProviderSettings } from '../providers/spec.js';
import { DEFAULT_PROVIDER, loadSettings, resolveProviderName, type SettingsFlags } from './settings.js';

export interface SettingFlags {
  provider?: string;
  model?: string;
  baseUrl?: string;
  timeoutMs?: number;
  modelDir?: string;
  embedding?: boolean;
}

export interface ChosenProvider {
  /** A registry name or a chain ("ollama,builtin"). */
  provider: string;
  /** Settings per provider name (members of a chain each get their own). */
  settingsFor: (name: string) => ProviderSettings;
  /** Why this provider: "--provider", "GLIMPSE_PROVIDER", "config file", or "default". */
  source: string;
}

export async function chooseProvider(
  flags: SettingFlags,
  env: Record<string, string | undefined> = process.env,
): Promise<ChosenProvider> {
  const settingsFlags: SettingsFlags = {
    provider: flags.provider,
    model: flags.embedding ? undefined : flags.model,
    baseUrl: flags.baseUrl,
    timeoutMs: flags.timeoutMs,
    options: flags.modelDir ? { modelDir: flags.modelDir } : undefined,
  };
  const loaded = await loadSettings(settingsFlags, env);
  const withEmbeddingModel = (settings: ProviderSettings): ProviderSettings => {
    const embeddingModel = flags.embedding ? flags.model || env.GLIMPSE_EMBEDDING_MODEL : undefined;
    return embeddingModel ? { ...settings, options: { ...settings.options, embeddingModel } } : settings;
  };
  const named = flags.provider || env.GLIMPSE_PROVIDER || loaded.file.provider;
  if (named || flags.embedding) {
    const source = flags.provider
      ? '--provider'
      : env.GLIMPSE_PROVIDER
        ? 'GLIMPSE_PROVIDER'
        : loaded.file.provider
          ? 'config file'
          : 'default';
    return {
      provider: resolveProviderName(settingsFlags, env, loaded.file),
      settingsFor: (name) => withEmbeddingModel(loaded.settingsFor(name)),
      source,
    };
  }
  // Nothing named: a provider with a model ready on this machine (a local captioner), else the built-in analyzer.
  const selected = await autoSelectProvider(loaded.settingsFor);
  if (selected) {
    const { provider, model } = selected;
    return {
      provider,
      settingsFor: (name) =>
        name === provider ? { ...loaded.settingsFor(provider), model: flags.model ?? model } : loaded.settingsFor(name),
      source: `default (${provider} model found)`,
    };
  }
  return { provider: DEFAULT_PROVIDER, settingsFor: (name) => loaded.settingsFor(name), source: 'default' };
}
