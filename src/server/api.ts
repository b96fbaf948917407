/**
 * The HTTP API, version 1. Handlers validate their input, call the library API and return its shapes as JSON;
 * errors are thrown as GlimpseErrors and turned into `{ "error": { "code", "message" } }` by the app.
 */
import { realpath } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import { type Context, Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { streamSSE } from 'hono/streaming';
import { GlimpseError } from '../errors.js';
import type { Glimpse } from '../glimpse.js';
import { answerLibraryQuestion, isLibraryQuestion } from './ask-library.js';
import { errorBody } from './http-errors.js';
import { checkedImage, type ImageUpload, imageFromUrl, readRequestBody, tooLarge } from './image-input.js';
import type { IndexJobs } from './index-jobs.js';
import { isInside, readIndexedFile } from './indexed-files.js';
import { openApiDocument } from './openapi.js';
import type { ResolvedServerOptions } from './options.js';
import {
  askJsonSchema,
  describeJsonSchema,
  editSchema,
  imageIdOrNotFound,
  indexSchema,
  libraryQuerySchema,
  parseOrThrow,
  questionSchema,
  searchQuerySchema,
  similarQuerySchema,
  taskOptionsSchema,
} from './validation.js';

/** Multipart framing around the file itself. */
const MULTIPART_OVERHEAD_BYTES = 64 * 1024;

export function apiRoutes(glimpse: Glimpse, options: ResolvedServerOptions, jobs: IndexJobs): Hono {
  const api = new Hono();
  const uploadLimit = bodyLimit({
    maxSize: options.maxUploadBytes + MULTIPART_OVERHEAD_BYTES,
    onError: (c) => c.json(errorBody('IMAGE_TOO_LARGE', tooLarge('upload', options.maxUploadBytes).advice), 413),
  });
  const smallBody = bodyLimit({
    maxSize: 64 * 1024,
    onError: (c) => c.json(errorBody('USAGE', 'The request body is too large (64 KB at most)'), 413),
  });

  api.get('/openapi.json', (c) => c.json(openApiDocument));

  api.post('/describe', uploadLimit, async (c) => {
    const body = await readRequestBody(c, options);
    let image: ImageUpload;
    let taskOptions: { task?: (typeof taskOptionsSchema)['_output']['task']; prompt?: string };
    if (body.kind === 'form') {
      if (!body.image) throw new GlimpseError('USAGE', 'Bad form: add the image as a file field named "image"');
      image = body.image;
      taskOptions = parseOrThrow(taskOptionsSchema, withoutEmpty(body.fields), 'form');
    } else {
      const { url, ...rest } = parseOrThrow(describeJsonSchema, body.value, 'JSON body');
      image = await imageFromUrl(url, options);
      taskOptions = rest;
    }
    return c.json(await glimpse.caption(image, { ...taskOptions, signal: c.req.raw.signal }));
  });

  api.post('/ask', uploadLimit, async (c) => {
    const body = await readRequestBody(c, options);
    if (body.kind === 'form') {
      if (!body.image) throw new GlimpseError('USAGE', 'Bad form: add the image as a file field named "image"');
      const question = parseOrThrow(questionSchema, body.fields.question, 'question');
      return c.json(await glimpse.ask(body.image, question, { signal: c.req.raw.signal }));
    }
    if (isLibraryQuestion(body.value))
      return c.json(await answerLibraryQuestion(glimpse, body.value, c.req.raw.signal));
    const { url, id, question } = parseOrThrow(askJsonSchema, body.value, 'JSON body');
    if (url !== undefined)
      return c.json(await glimpse.ask(await imageFromUrl(url, options), question, { signal: c.req.raw.signal }));
    const details = glimpse.show(imageIdOrNotFound(String(id)));
    const { bytes } = await readIndexedFile(details, options.allowIndex);
    const answer = await glimpse.ask(checkedImage(bytes, details.fileName), question, { signal: c.req.raw.signal });
    return c.json({ ...answer, path: details.path });
  });

  api.get('/search', async (c) => {
    const query = parseOrThrow(
      searchQuerySchema,
      { ...withoutEmpty(c.req.query()), tag: c.req.queries('tag') ?? [] },
      'query',
    );
    return c.json(
      await glimpse.search(query.q, {
        limit: query.limit,
        offset: query.offset,
        after: query.after,
        before: query.before,
        tags: query.tag.length ? query.tag : undefined,
        hasText: query.has_text || undefined,
        exact: query.exact || undefined,
      }),
    );
  });

  api.get('/images', async (c) => {
    const query = parseOrThrow(libraryQuerySchema, withoutEmpty(c.req.query()), 'query');
    // No words: search lists what the filters allow, newest first.
    return c.json(await glimpse.search('', query));
  });

  api.get('/images/:id', (c) => c.json(glimpse.show(imageIdOrNotFound(c.req.param('id')))));

  api.get('/images/:id/similar', async (c) => {
    const id = imageIdOrNotFound(c.req.param('id'));
    const { limit } = parseOrThrow(similarQuerySchema, withoutEmpty(c.req.query()), 'query');
    glimpse.show(id); // 404 for ids that are not indexed
    return c.json(await glimpse.similar(id, { limit }));
  });

  api.patch('/images/:id', smallBody, async (c) => {
    const id = imageIdOrNotFound(c.req.param('id'));
    const edits = parseOrThrow(editSchema, await jsonBody(c), 'JSON body');
    glimpse.show(id); // 404 before anything is written
    return c.json(glimpse.edit(id, { caption: edits.caption === '' ? null : edits.caption, tags: edits.tags }));
  });

  api.get('/images/:id/thumbnail', async (c) => {
    const id = imageIdOrNotFound(c.req.param('id'));
    const webp = (await glimpse.thumbnail(id, {
      read: async (image) => (await readIndexedFile(image, options.allowIndex)).bytes,
    }))!;
    return c.body(new Uint8Array(webp), 200, { 'Content-Type': 'image/webp', 'Cache-Control': 'private, max-age=300' });
  });

  api.get('/images/:id/file', async (c) => {
    const details = glimpse.show(imageIdOrNotFound(c.req.param('id')));
    const { bytes, type } = await readIndexedFile(details, options.allowIndex);
    const fileName = `${details.id}.${type.extension}`;
    return c.body(new Uint8Array(bytes), 200, {
      'Content-Type': type.mediaType,
      'Content-Disposition': `inline; filename="${fileName}"`,
      'Cache-Control': 'private, max-age=300',
    });
  });

  api.post('/index', smallBody, async (c) => {
    const request = parseOrThrow(indexSchema, await jsonBody(c), 'JSON body');
    const folder = await allowedFolder(request.path, options.allowIndex);
    const job = jobs.start(folder, { force: request.force, prune: request.prune, within: options.allowIndex });
    return c.json({ job, events: `/api/v1/jobs/${job.id}/events` }, 202);
  });

  api.get('/jobs', (c) => c.json({ jobs: jobs.list() }));

  api.get('/jobs/:id', (c) => c.json(jobOrNotFound(jobs, c.req.param('id'))));

  api.get('/jobs/:id/events', (c) => {
    const job = jobOrNotFound(jobs, c.req.param('id'));
    const after = Number(c.req.header('last-event-id') ?? 0) || 0;
    return streamSSE(c, async (stream) => {
      let writing = Promise.resolve();
      await new Promise<void>((finished) => {
        const stop = jobs.follow(job.id, after, (event) => {
          writing = writing.then(() =>
            stream.writeSSE({ id: String(event.id), event: event.event, data: JSON.stringify(event.data) }),
          );
          if (event.event !== 'progress')
            writing.then(
              () => finished(),
              () => finished(),
            );
        });
        stream.onAbort(() => {
          stop();
          finished();
        });
        if (job.state === 'done' || job.state === 'failed')
          writing.then(
            () => finished(),
            () => finished(),
          );
      });
      await writing.catch(() => undefined);
    });
  });

  api.get('/status', async (c) => {
    // A PostgreSQL library's job queue: waiting, active and failed jobs (absent on SQLite).
    const queue = glimpse.hasQueue ? await glimpse.queueStatus() : null;
    return c.json({ ...glimpse.status(), ...(queue ? { queue } : {}), indexingAllowed: options.allowIndex.length > 0 });
  });

  return api;
}

async function jsonBody(c: Context): Promise<unknown> {
  if (!(c.req.header('content-type') ?? '').toLowerCase().startsWith('application/json')) {
    throw new GlimpseError('USAGE', 'Send the body as application/json');
  }
  return c.req.json().catch(() => {
    throw new GlimpseError('USAGE', 'The body is not valid JSON');
  });
}

/** Form fields sent empty mean "not given". */
function withoutEmpty(fields: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== ''));
}

function jobOrNotFound(jobs: IndexJobs, id: string) {
  const job = jobs.get(id);
  if (!job)
    throw new GlimpseError('NOT_FOUND', `No indexing job "${id.slice(0, 40)}"`, {
      hint: 'Start one with POST /api/v1/index.',
    });
  return job;
}

/** The real folder to index, if it lies under one of the roots the server was started with. */
async function allowedFolder(path: string, roots: string[]): Promise<string> {
  if (roots.length === 0) {
    throw new GlimpseError(
      'PATH_NOT_ALLOWED',
      'This server was started without --allow-index, so it does not index folders over HTTP',
    );
  }
  if (!isAbsolute(path))
    throw new GlimpseError('USAGE', `Bad JSON body: path: give an absolute path (got "${path.slice(0, 200)}")`);
  const real = await realpath(resolve(path)).catch(() => null);
  const realRoots = await Promise.all(roots.map((root) => realpath(root).catch(() => null)));
  if (!real || !realRoots.some((root) => root !== null && isInside(real, root))) {
    // Same answer whether the folder exists or not: the API must not reveal what is on disk outside the roots.
    throw new GlimpseError('PATH_NOT_ALLOWED', `${path.slice(0, 200)}: not a folder under the allowed roots`);
  }
  return real;
}
