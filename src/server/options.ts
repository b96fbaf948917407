/**
 * What `createApp` and `startServer` accept. The CLI fills these from `glimpse serve` flags; tests set them directly.
 */
export interface ServerOptions {
  /** Secret every request must carry when set (required when binding beyond loopback). */
  token?: string;
  /** Folders (and everything under them) that `POST /api/v1/index` may index. Empty: indexing over HTTP is off. */
  allowIndex?: string[];
  /** Origins allowed to call the API from other sites. Empty: CORS off. */
  cors?: string[];
  /** Largest upload (and URL download) accepted, in bytes. Default 20 MB. */
  maxUploadBytes?: number;
  /** Fetch URLs that resolve to loopback, private or link-local addresses. Off by default (server-side request forgery). */
  allowPrivateUrls?: boolean;
  /** Milliseconds before a URL fetch is abandoned. Default 15 s. */
  urlTimeoutMs?: number;
  /** Where to log errors the client is not shown (internal errors). Default: console.error. */
  log?: (message: string) => void;
}

export interface ResolvedServerOptions {
  token: string | null;
  allowIndex: string[];
  cors: string[];
  maxUploadBytes: number;
  allowPrivateUrls: boolean;
  urlTimeoutMs: number;
  log: (message: string) => void;
}

export const DEFAULT_MAX_UPLOAD_BYTES = 20 * 1024 * 1024;

export function resolveServerOptions(options: ServerOptions = {}): ResolvedServerOptions {
  return {
    token: options.token ? options.token : null,
    allowIndex: options.allowIndex ?? [],
    cors: options.cors ?? [],
    maxUploadBytes: options.maxUploadBytes ?? DEFAULT_MAX_UPLOAD_BYTES,
    allowPrivateUrls: options.allowPrivateUrls ?? false,
    urlTimeoutMs: options.urlTimeoutMs ?? 15_000,
    log: options.log ?? ((message) => console.error(message)),
  };
}
