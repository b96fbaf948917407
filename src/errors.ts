/**
 * Every error Glimpse reports, in one table: a stable code (scripts match on it), whether trying again can help,
 * and what the user should do. Messages name the file or URL; hints say how to fix it.
 */
export const ERROR_CODES = {
  // Input files and URLs
  FILE_NOT_FOUND: { retryable: false, hint: 'Check the path; quote paths that contain spaces.' },
  PERMISSION_DENIED: { retryable: false, hint: 'Make the file readable (chmod +r) or run as a user who can read it.' },
  EMPTY_FILE: { retryable: false, hint: 'The file has no bytes; re-export or re-download it.' },
  NOT_AN_IMAGE: {
    retryable: false,
    hint: 'Glimpse reads JPEG, PNG, WebP, GIF, AVIF, TIFF and HEIC; convert the file to one of these.',
  },
  CORRUPT_IMAGE: { retryable: false, hint: 'The image data is damaged or truncated; re-export or re-download it.' },
  IMAGE_TOO_LARGE: {
    retryable: false,
    hint: 'Raise the limit with --max-pixels (or GLIMPSE_MAX_PIXELS) if you trust the file.',
  },
  BROKEN_SYMLINK: { retryable: false, hint: 'The link points to a file that does not exist; fix or remove the link.' },
  SYMLINK_LOOP: { retryable: false, hint: 'The link points back to itself; fix or remove the link.' },
  NOT_A_FILE: {
    retryable: false,
    hint: 'Only regular files are read: not devices, FIFOs or sockets (also not through a link); point at the image file itself.',
  },
  FILE_TOO_LARGE: {
    retryable: false,
    hint: 'Raise the limit with --max-file-mb (or GLIMPSE_MAX_FILE_MB, at most 2047) if this really is an image.',
  },
  READ_FAILED: {
    retryable: true,
    hint: 'Reading the file failed or took too long (a hung network share, a failing disk, a slow device); check the disk and try again.',
  },
  SVG_NOT_ALLOWED: {
    retryable: false,
    hint: 'SVG is a document that can reference other files; allow it with --allow-svg (or GLIMPSE_ALLOW_SVG=1) if you trust it.',
  },
  URL_UNREACHABLE: { retryable: true, hint: 'Check the URL and your network; the server did not answer.' },
  URL_HTTP_ERROR: { retryable: false, hint: 'The server refused the request; check the URL in a browser.' },
  URL_NOT_ALLOWED: {
    retryable: false,
    hint: 'The server does not fetch loopback or private addresses; start `glimpse serve` with --allow-private-urls to allow them.',
  },
  // Providers
  NO_PROVIDER: { retryable: false, hint: 'Choose one with --provider (see `glimpse models`).' },
  UNKNOWN_PROVIDER: { retryable: false, hint: 'See `glimpse models` for the providers Glimpse knows.' },
  UNSUPPORTED_TASK: {
    retryable: false,
    hint: 'Pick another --task, or a provider that supports it (see `glimpse models`).',
  },
  PROVIDER_AUTH: { retryable: false, hint: 'Check the API key (environment variable or `glimpse config`).' },
  PROVIDER_UNAVAILABLE: { retryable: true, hint: 'Is the server running and the --base-url right?' },
  PROVIDER_RATE_LIMITED: { retryable: true, hint: 'Lower --concurrency or wait; Glimpse retries with backoff.' },
  PROVIDER_TIMEOUT: { retryable: true, hint: 'Raise --timeout, or use a smaller model.' },
  PROVIDER_BAD_OUTPUT: {
    retryable: true,
    hint: 'The model answered something Glimpse could not parse; try again or another model.',
  },
  PROVIDER_ERROR: { retryable: false, hint: 'See the message from the provider.' },
  MODEL_NOT_FOUND: { retryable: false, hint: 'Check the model name, or fetch the model files (see `glimpse models`).' },
  // Store and commands
  IMAGE_NOT_INDEXED: {
    retryable: false,
    hint: 'Index it first with `glimpse index <folder>`, or check `glimpse status`.',
  },
  DATABASE_ERROR: { retryable: false, hint: 'Check that the --db path is writable and not used by an older Glimpse.' },
  DATABASE_UNREACHABLE: {
    retryable: true,
    hint: 'Check that PostgreSQL is running and the --db (or GLIMPSE_DB) URL is right: host, port, user and database name.',
  },
  METADATA_ERROR: {
    retryable: false,
    hint: 'ExifTool could not write the file; check it is a JPEG/PNG/TIFF/WebP you may write, or use --write-metadata sidecar.',
  },
  USAGE: { retryable: false, hint: 'See `glimpse --help`.' },
  PATH_NOT_ALLOWED: {
    retryable: false,
    hint: 'The server only indexes folders under its --allow-index roots; start `glimpse serve --allow-index DIR`.',
  },
  UNAUTHORIZED: {
    retryable: false,
    hint: 'Send the server token: `Authorization: Bearer TOKEN`, or open the link `glimpse serve` printed.',
  },
  FORBIDDEN_ORIGIN: {
    retryable: false,
    hint: 'Open Glimpse at the address `glimpse serve` printed, or allow this origin with --cors ORIGIN.',
  },
  NOT_FOUND: { retryable: false, hint: 'Check the address; the API is described at /api/v1/openapi.json.' },
  INTERNAL: { retryable: false, hint: 'This is a bug in Glimpse; please report it with the command you ran.' },
} as const satisfies Record<string, { retryable: boolean; hint: string }>;

export type ErrorCode = keyof typeof ERROR_CODES;

export class GlimpseError extends Error {
  readonly code: ErrorCode;
  readonly hint: string;
  readonly isRetryable: boolean;
  /** The file or URL the error is about, where there is one. */
  readonly path?: string;
  /** Seconds the server asked us to wait (429 Retry-After). */
  readonly retryAfterSeconds?: number;

  constructor(
    code: ErrorCode,
    message: string,
    options: { path?: string; hint?: string; cause?: unknown; retryable?: boolean; retryAfterSeconds?: number } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = 'GlimpseError';
    this.code = code;
    this.path = options.path;
    this.hint = options.hint ?? ERROR_CODES[code].hint;
    this.isRetryable = options.retryable ?? ERROR_CODES[code].retryable;
    this.retryAfterSeconds = options.retryAfterSeconds;
  }

  /** `message — hint`, the form shown to users; a hint the message already says is not said twice. */
  get advice(): string {
    return withHint(this.message, this.hint);
  }

  toJSON() {
    return { code: this.code, message: this.advice };
  }

  static is(value: unknown, code?: ErrorCode): value is GlimpseError {
    return value instanceof GlimpseError && (code === undefined || value.code === code);
  }
}

/** `message — hint`, unless the message already ends with (or contains) the hint. */
export function withHint(message: string, hint: string): string {
  const plain = (text: string) => text.toLowerCase().replace(/[.\s]+$/, '');
  if (!hint || plain(message).includes(plain(hint))) return message;
  return `${message} — ${hint}`;
}

/**
 * Errors that would fail every remaining image the same way (a refused key, a server that is down): runs stop at the
 * first one instead of sending the same doomed request for each file.
 */
export function isFatal(code: string): boolean {
  return code === 'PROVIDER_AUTH' || code === 'PROVIDER_UNAVAILABLE';
}

/** Wrap anything thrown into a GlimpseError, keeping GlimpseErrors as they are. */
export function toGlimpseError(error: unknown, path?: string): GlimpseError {
  if (error instanceof GlimpseError) return error;
  const fileError = fileErrorFromErrno(error, path);
  if (fileError) return fileError;
  const message = error instanceof Error ? error.message : String(error);
  return new GlimpseError('INTERNAL', path ? `${path}: ${message}` : message, { path, cause: error });
}

/**
 * Ordinary file-system errors (errno codes from node:fs) as the codes above, so that a file that cannot be read is
 * never reported as a bug. Returns null for anything else.
 */
export function fileErrorFromErrno(error: unknown, path?: string): GlimpseError | null {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const where = path ? `${path}: ` : '';
  const options = { path, cause: error };
  switch (code) {
    case 'ENOENT':
    case 'ENOTDIR':
      return new GlimpseError('FILE_NOT_FOUND', `${where}no such file`, options);
    case 'EACCES':
    case 'EPERM':
      return new GlimpseError('PERMISSION_DENIED', `${where}permission denied`, options);
    case 'ELOOP':
      return new GlimpseError('SYMLINK_LOOP', `${where}symbolic link loop`, options);
    case 'EISDIR':
      return new GlimpseError('NOT_AN_IMAGE', `${where}is a folder, not an image`, {
        ...options,
        hint: 'Use `glimpse index <folder>` for folders.',
      });
    case 'ERR_FS_FILE_TOO_LARGE':
    case 'EFBIG':
      return new GlimpseError('FILE_TOO_LARGE', `${where}the file is too large to read (2 GiB or more)`, options);
    case 'ENXIO':
    case 'ENODEV':
    case 'EAGAIN':
      return new GlimpseError('NOT_A_FILE', `${where}not a regular file`, options);
    case 'EIO':
    case 'ESTALE':
      return new GlimpseError('READ_FAILED', `${where}the disk reported an error while reading (${code})`, options);
    default:
      return null;
  }
}
