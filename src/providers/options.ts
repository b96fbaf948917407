/**
 * Reading provider options (`ProviderSettings.options`, from the config file or flags): values may arrive as
 * strings from `glimpse config set`, so numbers are parsed, and anything unusable counts as not set.
 */
import { GlimpseError } from '../errors.js';

export function numberOption(options: Record<string, unknown>, name: string): number | undefined {
  const value = options[name];
  const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  return typeof number === 'number' && Number.isFinite(number) ? number : undefined;
}

export function stringOption(options: Record<string, unknown>, name: string): string | undefined {
  const value = options[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/**
 * Providers whose models write English only (the built-in analyzer, the local captioning models) refuse
 * `--language` for any other language rather than silently describe in English.
 */
export function requireEnglish(provider: string, options: Record<string, unknown> | undefined): void {
  const language = stringOption(options ?? {}, 'language');
  if (!isEnglish(language)) {
    throw new GlimpseError(
      'UNSUPPORTED_TASK',
      `The ${provider} provider writes descriptions in English only; it cannot describe in "${language}"`,
      {
        hint: 'Leave out --language, or choose a vision-language model (e.g. --provider openai or ollama) for other languages.',
      },
    );
  }
}

/** "fr", "French", "français": any way a user names a language; English (or none) is the default. */
export function isEnglish(language: string | undefined): boolean {
  return !language || /^(en|eng|english)([-_].*)?$/i.test(language.trim());
}
