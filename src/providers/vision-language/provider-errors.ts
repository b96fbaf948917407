/**
 * Mapping whatever a provider call throws (AI SDK errors, fetch failures, aborts) onto GlimpseError codes, so the
 * retry module and the pipeline decide on codes alone: 401/403 → PROVIDER_AUTH (fatal for a run), 429 →
 * PROVIDER_RATE_LIMITED with Retry-After, 5xx and refused connections → PROVIDER_UNAVAILABLE, timeouts →
 * PROVIDER_TIMEOUT.
 */
import { APICallError, RetryError } from 'ai';
import { GlimpseError } from '../../errors.js';
import { parseRetryAfter } from './retry.js';

export interface CallContext {
  provider: string;
  model: string;
  baseUrl: string;
  /** Set when our own timeout fired, to tell it apart from a caller's abort. */
  timedOutAfterMs?: number;
}

export function toProviderError(error: unknown, context: CallContext): GlimpseError {
  if (error instanceof GlimpseError) return error;
  if (RetryError.isInstance(error)) return toProviderError(error.lastError, context);
  const who = `${context.provider} (${context.model})`;
  if (context.timedOutAfterMs !== undefined) {
    return new GlimpseError('PROVIDER_TIMEOUT', `${who} did not answer within ${context.timedOutAfterMs / 1000} s`, {
      cause: error,
    });
  }
  if (APICallError.isInstance(error)) {
    const status = error.statusCode;
    const detail = shorten(error.message);
    if (status === undefined) return connectionError(error, who, context);
    if (status >= 200 && status < 300) {
      return new GlimpseError('PROVIDER_BAD_OUTPUT', `${who} answered something Glimpse could not read: ${detail}`, {
        cause: error,
      });
    }
    if (status === 401 || status === 403) {
      return new GlimpseError('PROVIDER_AUTH', `${who} refused the API key (HTTP ${status}): ${detail}`, {
        cause: error,
      });
    }
    if (status === 429) {
      return new GlimpseError('PROVIDER_RATE_LIMITED', `${who} is rate limiting requests (HTTP 429): ${detail}`, {
        cause: error,
        retryAfterSeconds: parseRetryAfter(error.responseHeaders),
      });
    }
    if (status === 404) {
      return new GlimpseError('MODEL_NOT_FOUND', `${who}: not found at ${error.url} (HTTP 404): ${detail}`, {
        cause: error,
        hint: `Check the model name (see \`glimpse models\`) and --base-url; for Ollama run \`ollama pull ${context.model}\`.`,
      });
    }
    if (status === 408)
      return new GlimpseError('PROVIDER_TIMEOUT', `${who} timed out (HTTP 408): ${detail}`, { cause: error });
    if (status >= 500 || error.isRetryable) {
      return new GlimpseError('PROVIDER_UNAVAILABLE', `${who} failed with HTTP ${status}: ${detail}`, {
        cause: error,
        retryAfterSeconds: parseRetryAfter(error.responseHeaders),
      });
    }
    return new GlimpseError('PROVIDER_ERROR', `${who} rejected the request (HTTP ${status}): ${detail}`, {
      cause: error,
    });
  }
  const name = (error as Error)?.name ?? '';
  if (name === 'AbortError') throw error; // the caller cancelled: not ours to rename
  if (
    /NoContentGenerated|NoOutputGenerated|TypeValidation|JSONParse|InvalidResponseData|NoObjectGenerated|EmptyResponseBody/i.test(
      name,
    )
  ) {
    return new GlimpseError(
      'PROVIDER_BAD_OUTPUT',
      `${who} returned a response Glimpse could not read: ${shorten((error as Error).message)}`,
      { cause: error },
    );
  }
  if (error instanceof TypeError && /fetch failed/i.test(error.message)) return connectionError(error, who, context);
  return new GlimpseError('PROVIDER_ERROR', `${who}: ${shorten((error as Error)?.message ?? String(error))}`, {
    cause: error,
  });
}

function connectionError(error: unknown, who: string, context: CallContext): GlimpseError {
  const code = findCauseCode(error);
  // A refused connection or an unknown host will not heal in a second: report it now (a fallback chain moves on).
  const lasting = code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'EAI_AGAIN';
  return new GlimpseError(
    'PROVIDER_UNAVAILABLE',
    `${who} is unreachable at ${context.baseUrl}${code ? ` (${code})` : ''}`,
    {
      cause: error,
      retryable: !lasting,
    },
  );
}

function findCauseCode(error: unknown): string | undefined {
  for (
    let current = error, depth = 0;
    current && depth < 6;
    current = (current as { cause?: unknown }).cause, depth++
  ) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
  }
  return undefined;
}

function shorten(message: string): string {
  const line = message.split('\n')[0] ?? message;
  return line.length > 300 ? `${line.slice(0, 300)}…` : line;
}
