/**
 * Provider settings for the CLI and the server: flags, then environment, then the config file (settings.ts), and
 * when none of them names a provider, the best one present on this machine: a local captioning model if its files
 * are there (Florence-2 first), else the built-in analyzer.
 */
import type { ProviderSettings } from '../providers/spec.js';
import { loadSettings, resolveProviderName, type SettingsFlags } from './settings.js';

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

export async function chooseProvider(flags: SettingFlags, env: Record<string, string | undefined> = process.env): Promise<ChosenProvider> {
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
    const source = flags.provider ? '--provider' : env.GLIMPSE_PROVIDER ? 'GLIMPSE_PROVIDER' : loaded.file.provider ? 'config file' : 'default';
    return { provider: resolveProviderName(settingsFlags, env, loaded.file), settingsFor: (name) => withEmbeddingModel(loaded.settingsFor(name)), source };
  }
  // Nothing named: prefer a local captioning model whose files are present, else the built-in analyzer.
  const { bestLocalCaptioner, modelDirectory } = await import('../providers/local/model-directory.js');
  const local = bestLocalCaptioner(modelDirectory(loaded.settingsFor('local')));
  if (local) {
    return {
      provider: 'local',
      settingsFor: (name) => (name === 'local' ? { ...loaded.settingsFor('local'), model: flags.model ?? local } : loaded.settingsFor(name)),
      source: 'default (local model found)',
    };
  }
  return { provider: 'builtin', settingsFor: (name) => loaded.settingsFor(name), source: 'default' };
}
