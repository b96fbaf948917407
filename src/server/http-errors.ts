/**
 * GlimpseError codes to HTTP statuses, and the one JSON error shape every API failure uses:
 * `{ "error": { "code", "message" } }`. Stack traces never leave the server.
 */
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { type ErrorCode, GlimpseError } from '../errors.js';

const STATUS_BY_CODE: Partial<Record<ErrorCode, ContentfulStatusCode>> = {
  USAGE: 400,
  UNSUPPORTED_TASK: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN_ORIGIN: 403,
  PATH_NOT_ALLOWED: 403,
  URL_NOT_ALLOWED: 403,
  IMAGE_NOT_INDEXED: 404,
  NOT_FOUND: 404,
  FILE_NOT_FOUND: 404,
  IMAGE_TOO_LARGE: 413,
  NOT_AN_IMAGE: 422,
  CORRUPT_IMAGE: 422,
  EMPTY_FILE: 422,
  BROKEN_SYMLINK: 422,
  SYMLINK_LOOP: 422,
  NOT_A_FILE: 422,
  FILE_TOO_LARGE: 413,
  SVG_NOT_ALLOWED: 422,
  READ_FAILED: 504,
  PERMISSION_DENIED: 422,
  URL_HTTP_ERROR: 422,
  URL_UNREACHABLE: 502,
  PROVIDER_AUTH: 502,
  PROVIDER_BAD_OUTPUT: 502,
  PROVIDER_ERROR: 502,
  PROVIDER_UNAVAILABLE: 503,
  PROVIDER_RATE_LIMITED: 503,
  NO_PROVIDER: 503,
  UNKNOWN_PROVIDER: 503,
  MODEL_NOT_FOUND: 503,
  PROVIDER_TIMEOUT: 504,
};

export function statusFor(code: string): ContentfulStatusCode {
  return STATUS_BY_CODE[code as ErrorCode] ?? 500;
}

export function errorBody(code: string, message: string) {
  return { error: { code, message } };
}

/** The response for anything thrown in a route. Internal errors are logged in full and reported without detail. */
export function errorResponse(c: Context, error: unknown, log: (message: string) => void): Response {
  if (GlimpseError.is(error) && error.code !== 'INTERNAL' && error.code !== 'DATABASE_ERROR') {
    if (error.retryAfterSeconds !== undefined) c.header('Retry-After', String(Math.ceil(error.retryAfterSeconds)));
    return c.json(errorBody(error.code, error.advice), statusFor(error.code));
  }
  log(
    `glimpse serve: ${c.req.method} ${c.req.path} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
  );
  const code = GlimpseError.is(error) ? error.code : 'INTERNAL';
  return c.json(errorBody(code, 'The server could not complete the request; the error is in the server log.'), 500);
}
