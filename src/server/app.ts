/**
 * The Hono app behind `glimpse serve`: security checks first, then the API under /api/v1 and the web app.
 * Tests drive it in-process with `app.request()`; `startServer` puts it on a real socket.
 */
import { Hono } from 'hono';
import { cors } from 'hono/cors';
import { GlimpseError } from '../errors.js';
import type { Glimpse } from '../glimpse.js';
import { apiRoutes } from './api.js';
import { errorBody, errorResponse, statusFor } from './http-errors.js';
import { IndexJobs } from './index-jobs.js';
import { resolveServerOptions, type ServerOptions } from './options.js';
import { loopbackHostOnly, requireToken, sameOriginWrites, securityHeaders } from './security.js';
import { errorPage, webRoutes } from './web-routes.js';

export type GlimpseApp = Hono & {
  /** Stop indexing jobs started over HTTP. The Glimpse instance stays open; its owner closes it. */
  close(): Promise<void>;
};

export function createApp(glimpse: Glimpse, serverOptions: ServerOptions = {}): GlimpseApp {
  const options = resolveServerOptions(serverOptions);
  const jobs = new IndexJobs(glimpse);
  const app = new Hono();
  const isApi = (path: string) => path.startsWith('/api/');

  app.onError((error, c) => {
    if (isApi(c.req.path)) return errorResponse(c, error, options.log);
    const status = GlimpseError.is(error) ? statusFor(error.code) : 500;
    if (status === 500)
      options.log(`glimpse serve: ${c.req.method} ${c.req.path} failed: ${(error as Error)?.stack ?? String(error)}`);
    return c.html(
      errorPage(status, status === 500 ? 'Something went wrong on the server.' : (error as GlimpseError).advice),
      status,
    );
  });
  app.notFound((c) =>
    isApi(c.req.path)
      ? c.json(errorBody('NOT_FOUND', `No API route ${c.req.method} ${c.req.path.slice(0, 200)}`), 404)
      : c.html(errorPage(404, 'There is no page at this address.'), 404),
  );

  app.use('*', securityHeaders());
  app.use('*', loopbackHostOnly(options));
  if (options.cors.length > 0) {
    app.use(
      '/api/*',
      cors({
        origin: options.cors,
        allowHeaders: ['Authorization', 'Content-Type', 'Last-Event-ID'],
        allowMethods: ['GET', 'POST', 'PATCH'],
      }),
    );
  }
  app.use('*', sameOriginWrites(options));
  app.use('*', requireToken(options));

  app.route('/api/v1', apiRoutes(glimpse, options, jobs));
  // MCP over streamable HTTP (issue 14): after the checks above, so the same token rules apply. Describe and ask
  // read files only under the folders the server may index; the SDK loads on the first request.
  let mcp: Promise<(request: Request) => Promise<Response>> | undefined;
  app.all('/mcp', async (c) => {
    mcp ??= import('../mcp/http.js').then(({ mcpHttpHandler }) =>
      mcpHttpHandler(glimpse, {
        readRoots: options.allowIndex,
        allowIndex: options.allowIndex,
        allowPrivateUrls: options.allowPrivateUrls,
        maxUrlBytes: options.maxUploadBytes,
      }),
    );
    return (await mcp)(c.req.raw);
  });
  app.route('/', webRoutes(glimpse, options, jobs));

  return Object.assign(app, { close: () => jobs.close() });
}
