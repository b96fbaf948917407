/**
 * Fetching an image URL on a user's behalf (the HTTP API, `glimpse alt`) without letting a request reach the
 * machine's own network: every hostname is resolved first and every address checked (all of them, not just the
 * first), the connection is pinned to the addresses that were checked (so DNS cannot change its answer between
 * check and connect), each redirect is checked again, and the download is limited in size and time.
 */
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP } from 'node:net';
import { promisify } from 'node:util';
import { GlimpseError } from '../errors.js';
import { isPrivateAddress } from './address-policy.js';

export interface UrlFetchOptions {
  maxBytes: number;
  timeoutMs: number;
  /** Allow loopback and private addresses (trusted networks only). */
  allowPrivate: boolean;
  /** Which addresses to refuse; tests narrow it to exercise redirects on one machine. */
  isBlocked?: (address: string) => boolean;
  maxRedirects?: number;
}

const lookupAll = promisify(dnsLookup);

export async function fetchUrlSafely(url: string, options: UrlFetchOptions): Promise<Buffer> {
  const deadline = AbortSignal.timeout(options.timeoutMs);
  const maxRedirects = options.maxRedirects ?? 5;
  let current = url;
  for (let hop = 0; hop <= maxRedirects; hop++) {
    const target = parseUrl(current, url);
    const addresses = await checkedAddresses(target, url, options);
    const response = await send(target, addresses, deadline, url, options.timeoutMs);
    const status = response.statusCode ?? 0;
    if (status >= 300 && status < 400 && response.headers.location) {
      response.resume();
      current = new URL(response.headers.location, target).toString();
      continue;
    }
    if (status < 200 || status >= 300) {
      response.resume();
      throw new GlimpseError(
        'URL_HTTP_ERROR',
        `${url}: the server answered HTTP ${status} ${response.statusMessage ?? ''}`.trim(),
        { path: url },
      );
    }
    return readLimited(response, url, options.maxBytes, options.timeoutMs);
  }
  throw new GlimpseError('URL_HTTP_ERROR', `${url}: more than ${maxRedirects} redirects`, { path: url });
}

function parseUrl(text: string, original: string): URL {
  let target: URL;
  try {
    target = new URL(text);
  } catch {
    throw new GlimpseError('USAGE', `${original}: not a valid URL`, {
      path: original,
      hint: 'Give an absolute http:// or https:// URL.',
    });
  }
  if (target.protocol !== 'http:' && target.protocol !== 'https:') {
    throw new GlimpseError(
      'URL_NOT_ALLOWED',
      `${original}: only http and https URLs can be fetched (got ${target.protocol})`,
      { path: original },
    );
  }
  return target;
}

/** Resolve the host and refuse it if any of its addresses is private; returns the addresses to connect to. */
async function checkedAddresses(target: URL, original: string, options: UrlFetchOptions): Promise<LookupAddress[]> {
  const host = target.hostname.replace(/^\[|\]$/g, '');
  let addresses: LookupAddress[];
  if (isIP(host)) {
    addresses = [{ address: host, family: isIP(host) }];
  } else {
    try {
      addresses = await lookupAll(host, { all: true, verbatim: true });
    } catch (error) {
      throw new GlimpseError(
        'URL_UNREACHABLE',
        `${original}: cannot resolve ${host} (${(error as NodeJS.ErrnoException).code ?? 'DNS error'})`,
        { path: original, cause: error },
      );
    }
  }
  if (!options.allowPrivate) {
    const isBlocked = options.isBlocked ?? isPrivateAddress;
    const refused = addresses.find(({ address }) => isBlocked(address));
    if (refused || addresses.length === 0) {
      throw new GlimpseError(
        'URL_NOT_ALLOWED',
        `${original}: ${target.hostname} is a loopback or private address (${refused?.address ?? 'none'})`,
        { path: original },
      );
    }
  }
  return addresses;
}

function send(
  target: URL,
  addresses: LookupAddress[],
  signal: AbortSignal,
  original: string,
  timeoutMs: number,
): Promise<IncomingMessage> {
  const request = target.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = request(
      target,
      {
        signal,
        headers: { 'user-agent': 'glimpse', accept: 'image/*' },
        // Connect only to the addresses checked above.
        lookup: ((_hostname: string, lookupOptions: { all?: boolean }, callback: (...args: unknown[]) => void) => {
          if (lookupOptions.all) callback(null, addresses);
          else callback(null, addresses[0].address, addresses[0].family);
        }) as never,
      },
      resolve,
    );
    req.on('error', (error) => reject(networkError(error, original, timeoutMs)));
    req.end();
  });
}

async function readLimited(
  response: IncomingMessage,
  original: string,
  maxBytes: number,
  timeoutMs: number,
): Promise<Buffer> {
  const declared = Number(response.headers['content-length'] ?? 0);
  if (declared > maxBytes) {
    response.destroy();
    throw new GlimpseError(
      'IMAGE_TOO_LARGE',
      `${original}: ${declared} bytes is more than the ${maxBytes}-byte download limit`,
      { path: original },
    );
  }
  const chunks: Buffer[] = [];
  let total = 0;
  try {
    for await (const chunk of response as AsyncIterable<Buffer>) {
      total += chunk.length;
      if (total > maxBytes) {
        response.destroy();
        throw new GlimpseError('IMAGE_TOO_LARGE', `${original}: more than the ${maxBytes}-byte download limit`, {
          path: original,
        });
      }
      chunks.push(chunk);
    }
  } catch (error) {
    throw networkError(error, original, timeoutMs);
  }
  const bytes = Buffer.concat(chunks);
  if (bytes.length === 0)
    throw new GlimpseError('EMPTY_FILE', `${original}: the download is empty (0 bytes)`, { path: original });
  return bytes;
}

function networkError(error: unknown, original: string, timeoutMs: number): GlimpseError {
  if (GlimpseError.is(error)) return error;
  const name = (error as Error)?.name;
  const reason =
    name === 'TimeoutError' || name === 'AbortError'
      ? `no complete answer within ${timeoutMs / 1000} s`
      : ((error as NodeJS.ErrnoException)?.code ?? (error as Error)?.message ?? String(error));
  return new GlimpseError('URL_UNREACHABLE', `${original}: ${reason}`, { path: original, cause: error });
}
