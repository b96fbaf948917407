/**
 * Reading provider options (`ProviderSettings.options`, from the config file or flags): values may arrive as
 * strings from `glimpse config set`, so numbers are parsed, and anything unusable counts as not set.
 */

export function numberOption(options: Record<string, unknown>, name: string): number | undefined {
  const value = options[name];
  const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  return typeof number === 'number' && Number.isFinite(number) ? number : undefined;
}

export function stringOption(options: Record<string, unknown>, name: string): string | undefined {
  const value = options[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
}
