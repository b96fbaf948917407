/**
 * The web app's pages as HTTP routes: each reads and checks its request with the API's own validation, calls the
 * library and renders a view from ../web. Here rather than in web/ so that web/ holds only views and assets and
 * never imports the server (the server mounts the pages, not the other way round).
 */
import { Hono } from 'hono';
import { GlimpseError } from '../errors.js';
import type { Glimpse } from '../glimpse.js';
import type { SearchResponse } from '../types.js';
import { SCRIPTS } from '../web/assets.js';
import { DescribePage } from '../web/describe-page.js';
import { ImagePage } from '../web/image-page.js';
import { ErrorView } from '../web/layout.js';
import { PAGE_SIZE, type SearchForm, SearchPage } from '../web/search-page.js';
import { StatusPage } from '../web/status-page.js';
import { STYLES } from '../web/styles.js';
import type { IndexJobs } from './index-jobs.js';
import type { ResolvedServerOptions } from './options.js';
import { imageIdOrNotFound, libraryQuerySchema, parseOrThrow, searchQuerySchema } from './validation.js';

/** How far down the results the image page looks for the image, to say why it matched the query it came from. */
const MATCH_LOOKUP = 200;

export function errorPage(status: number, message: string) {
  return <ErrorView status={status} message={message} />;
}

export function webRoutes(glimpse: Glimpse, options: ResolvedServerOptions, jobs: IndexJobs): Hono {
  const web = new Hono();

  web.get('/assets/app.css', (c) =>
    c.body(STYLES, 200, { 'Content-Type': 'text/css; charset=utf-8', 'Cache-Control': 'no-cache' }),
  );
  web.get('/assets/:name{[a-z]+\\.js}', (c) => {
    const script = SCRIPTS[c.req.param('name')];
    if (script === undefined) return c.notFound();
    return c.body(script, 200, { 'Content-Type': 'text/javascript; charset=utf-8', 'Cache-Control': 'no-cache' });
  });

  web.get('/', async (c) => {
    const form: SearchForm = {
      q: c.req.query('q') ?? '',
      after: c.req.query('after') ?? '',
      before: c.req.query('before') ?? '',
      tag: c.req.query('tag') ?? '',
      hasText: c.req.query('has_text') === 'true',
      offset: Math.max(0, Math.min(10_000, Math.floor(Number(c.req.query('offset') ?? 0) || 0))),
    };
    let response: SearchResponse | null = null;
    let error: string | null = null;
    if (!form.q.trim()) {
      // No query: the library itself, newest first, a page at a time (as Immich and PhotoPrism open).
      try {
        const query = parseOrThrow(
          libraryQuerySchema,
          { after: form.after || undefined, before: form.before || undefined },
          'search',
        );
        response = await glimpse.search('', {
          limit: PAGE_SIZE,
          offset: form.offset,
          after: query.after,
          before: query.before,
          tags: form.tag ? [form.tag] : undefined,
          hasText: form.hasText || undefined,
        });
      } catch (caught) {
        error = (caught as Error).message;
      }
    } else {
      try {
        const query = parseOrThrow(
          searchQuerySchema,
          {
            q: form.q,
            after: form.after || undefined,
            before: form.before || undefined,
            tag: form.tag ? [form.tag] : [],
            has_text: form.hasText ? 'true' : undefined,
          },
          'search',
        );
        response = await glimpse.search(query.q, {
          limit: PAGE_SIZE,
          offset: form.offset,
          after: query.after,
          before: query.before,
          tags: query.tag.length ? query.tag : undefined,
          hasText: query.has_text || undefined,
        });
      } catch (caught) {
        error = (caught as Error).message;
      }
    }
    return c.html(<SearchPage form={form} response={response} error={error} images={glimpse.status().images} />);
  });

  web.get('/images/:id', async (c) => {
    const image = glimpse.show(imageIdOrNotFound(c.req.param('id')));
    // Look-alikes need image embeddings; without them the page simply has no "similar" section.
    const similar = await glimpse.similar(image.id, { limit: 8 }).then(
      (response) => response.results,
      (error) => {
        if (!GlimpseError.is(error, 'UNSUPPORTED_TASK'))
          options.log(`glimpse serve: similar images for ${image.id}: ${(error as Error).message}`);
        return null;
      },
    );
    // Arrived from a search: say in full why the image matched (the result card says it in a few words).
    const query = (c.req.query('q') ?? '').trim().slice(0, 500);
    const match = query
      ? ((await glimpse.search(query, { limit: MATCH_LOOKUP }).catch(() => null))?.results.find(
          (result) => result.id === image.id,
        ) ?? null)
      : null;
    return c.html(<ImagePage image={image} similar={similar} match={query ? { query, result: match } : null} />);
  });

  web.get('/describe', (c) => c.html(<DescribePage maxUploadMb={Math.round(options.maxUploadBytes / 1024 / 1024)} />));

  web.get('/status', (c) =>
    c.html(<StatusPage status={glimpse.status()} roots={options.allowIndex} jobs={jobs.list()} />),
  );

  return web;
}
