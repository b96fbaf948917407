/**
 * Provider settings for the CLI, from flags first, then the environment. (The providers' config file is layered
 * in by loadSettings when present.)
 */
import type { ProviderSettings } from '../providers/spec.js';

export interface SettingFlags {
  provider?: string;
  model?: string;
  baseUrl?: string;
  timeoutMs?: number;
  embedding?: boolean;
}

export async function loadProviderSettings(flags: SettingFlags): Promise<{ provider: string; settings: ProviderSettings }> {
  const provider = flags.provider ?? process.env.GLIMPSE_PROVIDER ?? 'builtin';
  return {
    provider,
    settings: {
      model: flags.model ?? (flags.embedding ? process.env.GLIMPSE_EMBEDDING_MODEL : process.env.GLIMPSE_MODEL),
      baseUrl: flags.baseUrl,
      timeoutMs: flags.timeoutMs,
    },
  };
}
