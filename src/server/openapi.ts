/**
 * The OpenAPI 3.1 description of /api/v1, written by hand so it stays short and reads like documentation.
 * A test checks that every API route the app serves is listed here.
 */
import { TASKS } from '../providers/spec.js';

const json = (schema: object) => ({ 'application/json': { schema } });
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const ok = (description: string, schema: object) => ({ description, content: json(schema) });
const errors = (...statuses: number[]) =>
  Object.fromEntries(statuses.map((status) => [String(status), { $ref: `#/components/responses/Error${status}` }]));
const idParameter = {
  name: 'id',
  in: 'path',
  required: true,
  description: 'Image id (a positive integer)',
  schema: { type: 'integer', minimum: 1 },
};
const jobParameter = { name: 'id', in: 'path', required: true, description: 'Job id', schema: { type: 'string' } };
const stringArray = { type: 'array', items: { type: 'string' } };
const nullableString = { type: ['string', 'null'] };
const imageUpload = {
  type: 'object',
  required: ['image'],
  properties: {
    image: {
      type: 'string',
      format: 'binary',
      description: 'JPEG, PNG, WebP, GIF, AVIF, TIFF or HEIC; type judged from the bytes',
    },
  },
};
const providerErrors = errors(400, 403, 413, 422, 502, 503, 504);

export const openApiDocument = {
  openapi: '3.1.0',
  info: {
    title: 'Glimpse API',
    version: '1.0.0',
    description:
      'Describe images and search indexed images by text. When the server has a token, send `Authorization: Bearer TOKEN`. ' +
      'Errors are `{ "error": { "code", "message" } }` with a stable code.',
  },
  servers: [{ url: '/api/v1' }],
  security: [{}, { bearer: [] }],
  paths: {
    '/openapi.json': {
      get: { summary: 'This document', responses: { '200': ok('OpenAPI 3.1 document', { type: 'object' }) } },
    },
    '/describe': {
      post: {
        summary: 'Describe an image without indexing it (same JSON as `glimpse caption --json`)',
        requestBody: {
          required: true,
          content: {
            'multipart/form-data': {
              schema: {
                ...imageUpload,
                properties: { ...imageUpload.properties, task: ref('Task'), prompt: { type: 'string' } },
              },
            },
            ...json({
              type: 'object',
              required: ['url'],
              properties: { url: { type: 'string', format: 'uri' }, task: ref('Task'), prompt: { type: 'string' } },
            }),
          },
        },
        responses: { '200': ok('The description', ref('CaptionResult')), ...providerErrors },
      },
    },
    '/ask': {
      post: {
        summary:
          'Ask a question about an uploaded image, an image URL or an indexed image; with no image, about the whole library',
        requestBody: {
          required: true,
          content: {
            'multipart/form-data': {
              schema: {
                ...imageUpload,
                required: ['image', 'question'],
                properties: { ...imageUpload.properties, question: { type: 'string' } },
              },
            },
            ...json({
              type: 'object',
              required: ['question'],
              description:
                'One of url or id asks about that image. Neither asks the library: the answer comes from the indexed descriptions and cites the images it used (limit, look and extractive apply only then).',
              properties: {
                url: { type: 'string', format: 'uri' },
                id: { type: 'integer', minimum: 1 },
                question: { type: 'string' },
                limit: { type: 'integer', minimum: 1, maximum: 50, default: 8, description: 'Descriptions to read' },
                look: {
                  type: 'integer',
                  minimum: 0,
                  maximum: 3,
                  default: 0,
                  description: 'Also send the top N images, downscaled, to a vision model',
                },
                extractive: { type: 'boolean', description: 'Answer from the descriptions without a language model' },
              },
            }),
          },
        },
        responses: {
          '200': ok('The answer', { oneOf: [ref('AskResult'), ref('AskLibraryResult')] }),
          ...providerErrors,
          ...errors(404),
        },
      },
    },
    '/search': {
      get: {
        summary: 'Search indexed images by text, best first',
        parameters: [
          { name: 'q', in: 'query', required: true, schema: { type: 'string', maxLength: 500 } },
          { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 200, default: 20 } },
          {
            name: 'offset',
            in: 'query',
            description: 'Paging: skip this many results first',
            schema: { type: 'integer', minimum: 0, maximum: 10000, default: 0 },
          },
          {
            name: 'after',
            in: 'query',
            description: 'ISO date; date taken (EXIF) else date added',
            schema: { type: 'string' },
          },
          { name: 'before', in: 'query', schema: { type: 'string' } },
          {
            name: 'tag',
            in: 'query',
            description: 'Repeat for several; all must match',
            schema: stringArray,
            style: 'form',
            explode: true,
          },
          {
            name: 'has_text',
            in: 'query',
            description: 'Only images in which text was found',
            schema: { type: 'boolean' },
          },
          {
            name: 'exact',
            in: 'query',
            description: 'Search for the words as typed: no spelling correction',
            schema: { type: 'boolean' },
          },
        ],
        responses: { '200': ok('Results', ref('SearchResponse')), ...errors(400) },
      },
    },
    '/images': {
      get: {
        summary: 'The library, newest first (date taken from EXIF, else the file time), a page at a time',
        parameters: [
          { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 200, default: 20 } },
          {
            name: 'offset',
            in: 'query',
            description: 'Paging: skip this many images first',
            schema: { type: 'integer', minimum: 0, maximum: 10000, default: 0 },
          },
          { name: 'after', in: 'query', description: 'ISO date', schema: { type: 'string' } },
          { name: 'before', in: 'query', schema: { type: 'string' } },
        ],
        responses: {
          '200': ok('Images, newest first (results without a query)', ref('SearchResponse')),
          ...errors(400),
        },
      },
    },
    '/images/{id}': {
      get: {
        summary: 'Everything stored about one image',
        parameters: [idParameter],
        responses: { '200': ok('The image', ref('ImageDetails')), ...errors(404) },
      },
      patch: {
        summary: "Set the user's own caption or tags (kept over generated ones; null clears them)",
        parameters: [idParameter],
        requestBody: {
          required: true,
          content: json({
            type: 'object',
            properties: { caption: nullableString, tags: { type: ['array', 'null'], items: { type: 'string' } } },
          }),
        },
        responses: { '200': ok('The image after the edit', ref('ImageDetails')), ...errors(400, 404) },
      },
    },
    '/images/{id}/thumbnail': {
      get: {
        summary: 'A small WebP of the image',
        parameters: [idParameter],
        responses: {
          '200': { description: 'WebP', content: { 'image/webp': { schema: { type: 'string', format: 'binary' } } } },
          ...errors(404),
        },
      },
    },
    '/images/{id}/similar': {
      get: {
        summary:
          'Indexed images that look most like this one (needs image embeddings, e.g. --embedder local with a CLIP model)',
        parameters: [
          idParameter,
          { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 200, default: 12 } },
        ],
        responses: { '200': ok('Results, most similar first', ref('SearchResponse')), ...errors(400, 404) },
      },
    },
    '/images/{id}/file': {
      get: {
        summary: 'The original file (only for indexed images, by id)',
        parameters: [idParameter],
        responses: {
          '200': {
            description: 'The image, with its type judged from its bytes',
            content: { 'image/*': { schema: { type: 'string', format: 'binary' } } },
          },
          ...errors(404),
        },
      },
    },
    '/index': {
      post: {
        summary: 'Start indexing a folder under one of the roots the server allows (--allow-index)',
        requestBody: {
          required: true,
          content: json({
            type: 'object',
            required: ['path'],
            properties: { path: { type: 'string' }, force: { type: 'boolean' }, prune: { type: 'boolean' } },
          }),
        },
        responses: {
          '202': ok('The job; follow its events', {
            type: 'object',
            properties: { job: ref('IndexJob'), events: { type: 'string' } },
          }),
          ...errors(400, 403),
        },
      },
    },
    '/jobs': {
      get: {
        summary: 'Recent indexing jobs, newest first',
        responses: {
          '200': ok('Jobs', { type: 'object', properties: { jobs: { type: 'array', items: ref('IndexJob') } } }),
        },
      },
    },
    '/jobs/{id}': {
      get: {
        summary: 'One indexing job',
        parameters: [jobParameter],
        responses: { '200': ok('The job', ref('IndexJob')), ...errors(404) },
      },
    },
    '/jobs/{id}/events': {
      get: {
        summary: 'Progress as server-sent events: `progress` (one per image), then `done` (the summary) or `failed`',
        description: 'Past events are replayed first; send Last-Event-ID to resume.',
        parameters: [jobParameter],
        responses: {
          '200': { description: 'Event stream', content: { 'text/event-stream': { schema: { type: 'string' } } } },
          ...errors(404),
        },
      },
    },
    '/status': {
      get: {
        summary: 'Counts, providers, failed files and why',
        responses: { '200': ok('Status', ref('StatusReport')) },
      },
    },
  },
  components: {
    securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
    responses: Object.fromEntries(
      [400, 401, 403, 404, 413, 422, 502, 503, 504].map((status) => [
        `Error${status}`,
        { description: `Error (${status})`, content: json(ref('Error')) },
      ]),
    ),
    schemas: {
      Error: {
        type: 'object',
        required: ['error'],
        properties: {
          error: {
            type: 'object',
            required: ['code', 'message'],
            properties: { code: { type: 'string' }, message: { type: 'string' } },
          },
        },
      },
      Task: { type: 'string', enum: [...TASKS] },
      Box: {
        type: 'object',
        description: 'Normalised 0..1, origin top-left',
        properties: {
          x: { type: 'number' },
          y: { type: 'number' },
          width: { type: 'number' },
          height: { type: 'number' },
        },
      },
      DetectedObject: {
        type: 'object',
        properties: {
          label: { type: 'string' },
          score: { type: 'number' },
          box: { oneOf: [ref('Box'), { type: 'null' }] },
        },
      },
      CaptionResult: {
        type: 'object',
        properties: {
          path: { type: 'string' },
          caption: nullableString,
          detailed: nullableString,
          alt: nullableString,
          tags: stringArray,
          text: nullableString,
          objects: { type: 'array', items: ref('DetectedObject') },
          safety: { type: ['object', 'null'] },
          provider: { type: 'string' },
          model: { type: 'string' },
          ms: { type: 'number' },
        },
      },
      AskResult: {
        type: 'object',
        properties: {
          path: { type: 'string' },
          question: { type: 'string' },
          answer: { type: 'string' },
          answered: { type: 'boolean' },
          provider: { type: 'string' },
          model: { type: 'string' },
          ms: { type: 'number' },
        },
      },
      AskLibraryResult: {
        type: 'object',
        required: ['question', 'answer', 'sources'],
        properties: {
          question: { type: 'string' },
          answer: { type: 'string', description: 'Cites image ids as [12]' },
          sources: {
            type: 'array',
            description: 'The images the answer cites (ids a model invents are dropped)',
            items: {
              type: 'object',
              properties: {
                id: { type: 'integer' },
                path: { type: 'string' },
                caption: nullableString,
                score: { type: 'number' },
              },
            },
          },
          mode: { type: 'string', enum: ['model', 'extractive', 'nothing'] },
          searched: { type: 'string', description: "The words searched for, in the library's language" },
          provider: nullableString,
          model: nullableString,
          retrieved: { type: 'integer' },
          looked: { type: 'integer' },
          ms: { type: 'number' },
        },
      },
      SearchResponse: {
        type: 'object',
        properties: {
          query: { type: 'string' },
          ms: { type: 'number' },
          correctedQuery: {
            type: 'string',
            description: 'The query as searched, when misspelt words were corrected against the library',
          },
          notice: { type: 'string', description: 'Why nothing was found, when known (e.g. the query is not English)' },
          translation: {
            type: 'object',
            description:
              'The query was in another language and a language model translated it (correctedQuery is the translation searched)',
            properties: { language: nullableString, model: { type: 'string' } },
          },
          results: {
            type: 'array',
            items: {
              type: 'object',
              properties: {
                id: { type: 'integer' },
                path: { type: 'string' },
                score: { type: 'number' },
                caption: nullableString,
                tags: stringArray,
                snippet: { type: 'string', description: 'Matched words between « and »' },
                weaker: {
                  type: 'boolean',
                  description:
                    'Below the relevance floor (its caption and tags hold less of the query, see why.coverage): listed after all other results',
                },
                why: {
                  type: 'object',
                  description: 'Which fields, terms and concepts matched, and each ranker’s rank',
                },
              },
            },
          },
        },
      },
      ImageDetails: {
        type: 'object',
        description: 'The stored file facts, EXIF, the generated description with provenance, and the user’s own edits',
        properties: {
          id: { type: 'integer' },
          path: { type: 'string' },
          caption: nullableString,
          tags: stringArray,
          takenAt: nullableString,
          camera: nullableString,
          description: { type: ['object', 'null'] },
          userEdits: { type: ['object', 'null'] },
          duplicates: stringArray,
        },
      },
      IndexJob: {
        type: 'object',
        properties: {
          id: { type: 'string' },
          path: { type: 'string' },
          state: { type: 'string', enum: ['queued', 'running', 'done', 'failed'] },
          done: { type: 'integer' },
          total: { type: ['integer', 'null'] },
          summary: { type: ['object', 'null'] },
          error: { type: ['object', 'null'] },
        },
      },
      StatusReport: {
        type: 'object',
        properties: {
          db: { type: 'string' },
          images: { type: 'integer' },
          described: { type: 'integer' },
          failed: {
            type: 'array',
            items: {
              type: 'object',
              properties: { path: { type: 'string' }, code: { type: 'string' }, message: { type: 'string' } },
            },
          },
          providers: { type: 'array', items: { type: 'object' } },
          interrupted: {
            type: 'array',
            items: { type: 'object' },
            description: 'indexing runs whose process was killed',
          },
          queue: {
            type: 'object',
            description: 'a PostgreSQL library only: jobs waiting for workers, being described, and failed for good',
            properties: { waiting: { type: 'integer' }, active: { type: 'integer' }, failed: { type: 'integer' } },
          },
          indexingAllowed: { type: 'boolean' },
        },
      },
    },
  },
} as const;
