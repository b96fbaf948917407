/**
 * Reading an input — a file path or an http(s) URL — into bytes, with an error that names the input and says what
 * to do for every way this can fail (missing, unreadable, empty, broken or looping symlink, unreachable URL).
 */
import { lstat, readFile, stat } from 'node:fs/promises';
import { GlimpseError } from '../errors.js';

export interface ReadOptions {
  /** Largest download accepted from a URL, in bytes. */
  maxUrlBytes?: number;
  /** Milliseconds before a URL fetch is abandoned. */
  urlTimeoutMs?: number;
}

export function isUrl(input: string): boolean {
  return /^https?:\/\//i.test(input);
}

export async function readInput(input: string, options: ReadOptions = {}): Promise<Buffer> {
  const bytes = isUrl(input) ? await fetchUrl(input, options) : await readLocalFile(input);
  if (bytes.length === 0)
    throw new GlimpseError('EMPTY_FILE', `${input}: the file is empty (0 bytes)`, { path: input });
  return bytes;
}

export async function readLocalFile(path: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (error) {
    throw await describeFileError(path, error);
  }
}

/** Turn an fs error into a GlimpseError that tells symlink problems apart from missing files. */
export async function describeFileError(path: string, error: unknown): Promise<GlimpseError> {
  const code = (error as NodeJS.ErrnoException)?.code;
  if (code === 'ELOOP') return new GlimpseError('SYMLINK_LOOP', `${path}: symbolic link loop`, { path, cause: error });
  if (code === 'EACCES' || code === 'EPERM') {
    return new GlimpseError('PERMISSION_DENIED', `${path}: permission denied`, { path, cause: error });
  }
  if (code === 'EISDIR') {
    return new GlimpseError('NOT_AN_IMAGE', `${path}: is a folder, not an image`, {
      path,
      cause: error,
      hint: 'Use `glimpse index <folder>` for folders.',
    });
  }
  if (code === 'ENOENT') {
    const link = await lstat(path).catch(() => null);
    if (link?.isSymbolicLink()) {
      return new GlimpseError('BROKEN_SYMLINK', `${path}: symbolic link to a file that does not exist`, {
        path,
        cause: error,
      });
    }
    return new GlimpseError('FILE_NOT_FOUND', `${path}: no such file`, { path, cause: error });
  }
  return new GlimpseError('INTERNAL', `${path}: ${(error as Error)?.message ?? String(error)}`, { path, cause: error });
}

/** stat() that reports symlink problems as GlimpseErrors. */
export async function statInput(path: string) {
  try {
    return await stat(path);
  } catch (error) {
    throw await describeFileError(path, error);
  }
}

async function fetchUrl(url: string, options: ReadOptions): Promise<Buffer> {
  const maxBytes = options.maxUrlBytes ?? 50 * 1024 * 1024;
  const timeoutMs = options.urlTimeoutMs ?? 20_000;
  let response: Response;
  try {
    response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), redirect: 'follow' });
  } catch (error) {
    const reason =
      (error as Error)?.name === 'TimeoutError' ? `no answer within ${timeoutMs / 1000} s` : causeMessage(error);
    throw new GlimpseError('URL_UNREACHABLE', `${url}: ${reason}`, { path: url, cause: error });
  }
  if (!response.ok) {
    throw new GlimpseError(
      'URL_HTTP_ERROR',
      `${url}: the server answered HTTP ${response.status} ${response.statusText}`,
      {
        path: url,
        retryable: response.status >= 500 || response.status === 429,
      },
    );
  }
  const declared = Number(response.headers.get('content-length') ?? 0);
  if (declared > maxBytes) {
    throw new GlimpseError(
      'IMAGE_TOO_LARGE',
      `${url}: ${declared} bytes is more than the ${maxBytes}-byte download limit`,
      { path: url },
    );
  }
  // Read in chunks so a server that lies about its length cannot make us buffer more than the limit.
  const chunks: Buffer[] = [];
  let total = 0;
  try {
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      total += chunk.length;
      if (total > maxBytes) {
        throw new GlimpseError('IMAGE_TOO_LARGE', `${url}: more than the ${maxBytes}-byte download limit`, {
          path: url,
        });
      }
      chunks.push(Buffer.from(chunk));
    }
  } catch (error) {
    if (error instanceof GlimpseError) throw error;
    throw new GlimpseError('URL_UNREACHABLE', `${url}: the download broke off (${causeMessage(error)})`, {
      path: url,
      cause: error,
    });
  }
  return Buffer.concat(chunks);
}

function causeMessage(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } })?.cause;
  return cause?.code ?? cause?.message ?? (error as Error)?.message ?? String(error);
}
