/**
 * Request checks that run before any route: the token (when one is set), the Host header (a DNS-rebinding page
 * cannot talk to a loopback server under its own hostname), the Origin of state-changing requests (no cross-site
 * form posts), and the security headers on every response.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Context, MiddlewareHandler } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';
import { secureHeaders } from 'hono/secure-headers';
import { GlimpseError } from '../errors.js';
import { errorBody } from './http-errors.js';
import type { ResolvedServerOptions } from './options.js';

export const TOKEN_COOKIE = 'glimpse_token';
const LOOPBACK_HOSTNAMES = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

/** Constant-time comparison: both sides are hashed first, so lengths never differ and nothing leaks through timing. */
export function tokenMatches(given: string, expected: string): boolean {
  const digest = (text: string) => createHash('sha256').update(text, 'utf8').digest();
  return timingSafeEqual(digest(given), digest(expected));
}

export const securityHeaders = (): MiddlewareHandler =>
  secureHeaders({
    contentSecurityPolicy: {
      defaultSrc: ["'self'"],
      scriptSrc: ["'self'"],
      styleSrc: ["'self'"],
      imgSrc: ["'self'", 'data:', 'blob:'],
      connectSrc: ["'self'"],
      objectSrc: ["'none'"],
      baseUri: ["'none'"],
      frameAncestors: ["'none'"],
      formAction: ["'self'"],
    },
    referrerPolicy: 'no-referrer',
    xFrameOptions: 'DENY',
    crossOriginResourcePolicy: 'same-origin',
    strictTransportSecurity: false,
  });

/** Without a token the server is for this machine only, so it answers only to loopback host names. */
export function loopbackHostOnly(options: ResolvedServerOptions): MiddlewareHandler {
  return async (c, next) => {
    if (options.token) return next();
    // In-process requests (app.request) carry no Host header; their URL says where they were sent.
    const host = (c.req.header('host') ?? new URL(c.req.url).host).toLowerCase().replace(/:\d+$/, '');
    if (!LOOPBACK_HOSTNAMES.has(host)) {
      return reject(c, 403, 'FORBIDDEN_ORIGIN', `This server answers only to 127.0.0.1 or localhost, not "${host}"`);
    }
    return next();
  };
}

/** State-changing requests from a browser must come from this server's own pages or an origin allowed by --cors. */
export function sameOriginWrites(options: ResolvedServerOptions): MiddlewareHandler {
  return async (c, next) => {
    const origin = c.req.header('origin');
    if (origin && !['GET', 'HEAD', 'OPTIONS'].includes(c.req.method)) {
      const own = new URL(c.req.url).origin;
      const host = c.req.header('host');
      const ownByHost = host ? `${new URL(c.req.url).protocol}//${host}` : own;
      if (origin !== own && origin !== ownByHost && !options.cors.includes(origin)) {
        return reject(c, 403, 'FORBIDDEN_ORIGIN', `Requests from ${origin} are not allowed`);
      }
    }
    return next();
  };
}

/**
 * With a token: API clients send `Authorization: Bearer TOKEN`; a browser opens the link with `?token=` once, gets
 * it as an HttpOnly SameSite=Strict cookie and is redirected to the same page without the token in the address.
 */
export function requireToken(options: ResolvedServerOptions): MiddlewareHandler {
  return async (c, next) => {
    const expected = options.token;
    if (!expected || c.req.path.startsWith('/assets/')) return next();
    const bearer = /^Bearer\s+(.+)$/i.exec(c.req.header('authorization') ?? '')?.[1];
    const cookie = getCookie(c, TOKEN_COOKIE);
    if (
      (bearer !== undefined && tokenMatches(bearer, expected)) ||
      (cookie !== undefined && tokenMatches(cookie, expected))
    ) {
      return next();
    }
    const isApi = c.req.path.startsWith('/api/') || c.req.path === '/mcp'; // programs: a 401, not a page
    const fromQuery = c.req.query('token');
    if (!isApi && c.req.method === 'GET' && fromQuery !== undefined && tokenMatches(fromQuery, expected)) {
      setCookie(c, TOKEN_COOKIE, fromQuery, { httpOnly: true, sameSite: 'Strict', path: '/' });
      const url = new URL(c.req.url);
      url.searchParams.delete('token');
      return c.redirect(url.pathname + url.search, 303);
    }
    if (isApi) {
      c.header('WWW-Authenticate', 'Bearer realm="glimpse"');
      return reject(c, 401, 'UNAUTHORIZED', 'This server needs its token');
    }
    return c.html(tokenPage(fromQuery !== undefined), 401);
  };
}

function reject(c: Context, status: 401 | 403, code: 'UNAUTHORIZED' | 'FORBIDDEN_ORIGIN', message: string) {
  return c.json(errorBody(code, new GlimpseError(code, message).advice), status);
}

function tokenPage(wrongToken: boolean): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Glimpse: token needed</title><link rel="stylesheet" href="/assets/app.css"></head><body><main class="narrow">
<h1>Glimpse</h1><p>${wrongToken ? 'That token is not right.' : 'This server needs its token.'} Open the link <code>glimpse serve</code> printed, or enter the token:</p>
<form method="get" action=""><label for="token">Token</label> <input id="token" name="token" type="password" autocomplete="current-password" required>
<button type="submit">Open</button></form></main></body></html>`;
}
