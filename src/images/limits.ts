/**
 * Limits on what Glimpse reads from disk and how, shared by every verb (CLI and server alike). Defaults come from
 * the environment; the CLI's --max-file-mb and --allow-svg set them for the process.
 */
export interface ImageLimits {
  /** Largest file read from disk, in bytes; checked before reading. */
  maxFileBytes: number;
  /** Milliseconds before a file read is abandoned (a hung network share, a device). */
  readTimeoutMs: number;
  /** SVG is refused unless this is set; then it is rendered with the pixel cap and no external resources. */
  allowSvg: boolean;
}

export const DEFAULT_MAX_FILE_MB = 512;
/** Node cannot hold one file of 2 GiB or more in a Buffer; a larger setting is lowered to this. */
export const MAX_FILE_BYTES_CEILING = 2 ** 31 - 1;
export const DEFAULT_READ_TIMEOUT_MS = 30_000;

let current: ImageLimits = limitsFromEnv(process.env);

export function limitsFromEnv(env: Record<string, string | undefined>): ImageLimits {
  const mb = Number(env.GLIMPSE_MAX_FILE_MB);
  return {
    maxFileBytes: fileBytesFromMb(Number.isFinite(mb) && mb > 0 ? mb : DEFAULT_MAX_FILE_MB),
    readTimeoutMs: DEFAULT_READ_TIMEOUT_MS,
    allowSvg: /^(1|true|yes)$/i.test(env.GLIMPSE_ALLOW_SVG ?? ''),
  };
}

export function fileBytesFromMb(mb: number): number {
  return Math.min(MAX_FILE_BYTES_CEILING, Math.round(mb * 1024 * 1024));
}

export function imageLimits(): ImageLimits {
  return current;
}

/** Change the limits for this process (the CLI does, from its options); returns the previous ones. */
export function setImageLimits(changes: Partial<ImageLimits>): ImageLimits {
  const previous = current;
  current = { ...current, ...changes };
  if (changes.maxFileBytes !== undefined)
    current.maxFileBytes = Math.min(MAX_FILE_BYTES_CEILING, Math.max(1, changes.maxFileBytes));
  return previous;
}
