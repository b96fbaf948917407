/**
 * Reading an input — a file path or an http(s) URL — into bytes, with an error that names the input and says what
 * to do for every way this can fail (missing, unreadable, empty, broken or looping symlink, unreachable URL).
 *
 * Local files are read only when they are regular files (after links are resolved) no larger than the file-size
 * limit, both checked before a byte is read; the file is opened non-blocking (a FIFO swapped in cannot stall the
 * open), checked again on the open handle, read in chunks up to the limit and abandoned after a time limit.
 */
import { constants, type Stats } from 'node:fs';
import { type FileHandle, lstat, open, stat } from 'node:fs/promises';
import { fileErrorFromErrno, GlimpseError } from '../errors.js';
import { fsPath } from './fs-path.js';
import { imageLimits, MAX_FILE_BYTES_CEILING } from './limits.js';

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

export interface LocalReadOptions {
  /** Largest file accepted, in bytes (default: the process's image limits). */
  maxBytes?: number;
  /** Milliseconds before the read is abandoned. */
  timeoutMs?: number;
  /** The path's stat, when the caller has just taken it (the indexer has): not taken again before the open. */
  stats?: Stats;
}

export async function readLocalFile(path: string, options: LocalReadOptions = {}): Promise<Buffer> {
  const limits = imageLimits();
  // Node holds at most 2 GiB in one Buffer (and aborts on a larger single read): no limit goes above that.
  const maxBytes = Math.min(MAX_FILE_BYTES_CEILING, options.maxBytes ?? limits.maxFileBytes);
  const timeoutMs = options.timeoutMs ?? limits.readTimeoutMs;
  let handle: FileHandle | undefined;
  let timer: NodeJS.Timeout | undefined;
  try {
    checkReadable(path, options.stats ?? (await stat(fsPath(path))), maxBytes);
    // O_NONBLOCK: if the file was swapped for a FIFO since the stat, open returns at once instead of waiting.
    handle = await open(fsPath(path), constants.O_RDONLY | constants.O_NONBLOCK);
    const opened = await handle.stat();
    checkReadable(path, opened, maxBytes);
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new GlimpseError('READ_FAILED', `${path}: reading the file took longer than ${timeoutMs / 1000} s`, {
              path,
            }),
          ),
        timeoutMs,
      );
    });
    return await Promise.race([readChunks(handle, path, opened.size, maxBytes), timeout]);
  } catch (error) {
    if (error instanceof GlimpseError) throw error;
    throw await describeFileError(path, error);
  } finally {
    clearTimeout(timer);
    // Not awaited: after a timeout the read may still be pending, and close waits for it.
    handle?.close().catch(() => undefined);
  }
}

/** A regular file within the size limit, or the error that says why not. */
export function checkReadable(path: string, info: Stats, maxBytes = imageLimits().maxFileBytes): void {
  if (!info.isFile()) {
    const kind = info.isDirectory()
      ? 'a folder'
      : info.isFIFO()
        ? 'a FIFO (named pipe)'
        : info.isCharacterDevice() || info.isBlockDevice()
          ? 'a device'
          : info.isSocket()
            ? 'a socket'
            : 'not a regular file';
    if (info.isDirectory()) {
      throw new GlimpseError('NOT_AN_IMAGE', `${path}: is a folder, not an image`, {
        path,
        hint: 'Use `glimpse index <folder>` for folders.',
      });
    }
    throw new GlimpseError('NOT_A_FILE', `${path}: is ${kind}, not a regular file`, { path });
  }
  if (info.size > maxBytes) throw fileTooLarge(path, info.size, maxBytes);
}

function fileTooLarge(path: string, size: number, maxBytes: number): GlimpseError {
  const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(bytes < 10 * 1024 * 1024 ? 1 : 0)} MB`;
  return new GlimpseError('FILE_TOO_LARGE', `${path}: ${mb(size)} is larger than the ${mb(maxBytes)} file limit`, {
    path,
  });
}

async function readChunks(handle: FileHandle, path: string, size: number, maxBytes: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  // One read of the whole file as stat gave it (plus a byte, to see whether it grew), then small reads to the end.
  let chunkSize = Math.max(64 * 1024, Math.min(size + 1, maxBytes + 1, 2 ** 30));
  for (; ; chunkSize = 64 * 1024) {
    const buffer = Buffer.allocUnsafe(chunkSize);
    const { bytesRead } = await handle.read(buffer, 0, chunkSize, null);
    if (bytesRead === 0) break;
    total += bytesRead;
    // The file may grow while it is read: the limit holds for what is read, not only for what stat said.
    if (total > maxBytes) throw fileTooLarge(path, total, maxBytes);
    chunks.push(bytesRead === chunkSize ? buffer : buffer.subarray(0, bytesRead));
    // A regular file's read comes back short only at its end: no further read needed to see it did not grow.
    if (bytesRead < chunkSize) break;
  }
  return chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, total);
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
    const link = await lstat(fsPath(path)).catch(() => null);
    if (link?.isSymbolicLink()) {
      return new GlimpseError('BROKEN_SYMLINK', `${path}: symbolic link to a file that does not exist`, {
        path,
        cause: error,
      });
    }
    return new GlimpseError('FILE_NOT_FOUND', `${path}: no such file`, { path, cause: error });
  }
  return (
    fileErrorFromErrno(error, path) ??
    new GlimpseError('INTERNAL', `${path}: ${(error as Error)?.message ?? String(error)}`, { path, cause: error })
  );
}

/** stat() that reports symlink problems as GlimpseErrors. */
export async function statInput(path: string) {
  try {
    return await stat(fsPath(path));
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
