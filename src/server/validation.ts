/**
 * Request validation with zod: every failure becomes a USAGE error (400) that names the field and what is wrong.
 */
import { z } from 'zod';
import { GlimpseError } from '../errors.js';
import { TASKS } from '../providers/spec.js';
import { cleanQuery } from '../search/query.js';

export function parseOrThrow<Schema extends z.ZodType>(schema: Schema, value: unknown, what: string): z.output<Schema> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const problems = result.error.issues.map(
    (issue) => `${issue.path.length ? issue.path.join('.') : what}: ${issue.message}`,
  );
  throw new GlimpseError('USAGE', `Bad ${what}: ${problems.join('; ')}`, {
    hint: 'See /api/v1/openapi.json for the request format.',
  });
}

/** Image ids are positive integers; anything else (paths, `..`, encoded slashes) is simply not an indexed image. */
export function imageIdOrNotFound(text: string): number {
  if (!/^[1-9][0-9]{0,14}$/.test(text)) {
    throw new GlimpseError('IMAGE_NOT_INDEXED', `No indexed image with id "${text.slice(0, 40)}"`, {
      hint: 'Image ids are the numbers search results give.',
    });
  }
  return Number(text);
}

const isoDate = z
  .string()
  .regex(
    /^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/,
    'expected a date like 2024-05-31 or 2024-05-31T12:00:00Z',
  )
  .refine((text) => !Number.isNaN(Date.parse(text)), 'not a real date');

const booleanText = z
  .enum(['true', 'false', '1', '0', 'yes', 'no', 'on', ''])
  .transform((text) => ['true', '1', 'yes', 'on'].includes(text));

/** GET /images: the library a page at a time (the search parameters without a query). */
export const libraryQuerySchema = z.object({
  limit: z.coerce.number().int('a whole number').min(1).max(200).default(20),
  offset: z.coerce.number().int('a whole number').min(0).max(10_000).default(0),
  after: isoDate.optional(),
  before: isoDate.optional(),
});

export const searchQuerySchema = z.object({
  // Control characters are dropped first: a query of only NUL characters is no query (it would list everything).
  q: z
    .string()
    .transform(cleanQuery)
    .pipe(
      z.string().min(1, 'give a search query (words, not only control characters)').max(500, 'at most 500 characters'),
    ),
  limit: z.coerce.number().int('a whole number').min(1).max(200).default(20),
  /** Paging: skip this many results first. */
  offset: z.coerce.number().int('a whole number').min(0).max(10_000).default(0),
  after: isoDate.optional(),
  before: isoDate.optional(),
  tag: z.array(z.string().trim().min(1).max(100)).max(20).default([]),
  has_text: booleanText.optional(),
  /** Search for the words as typed: no spelling correction. */
  exact: booleanText.optional(),
});

export const similarQuerySchema = z.object({
  limit: z.coerce.number().int('a whole number').min(1).max(200).default(12),
});

export const taskOptionsSchema = z.object({
  task: z.enum(TASKS).optional(),
  prompt: z.string().trim().min(1).max(4000).optional(),
});

export const describeJsonSchema = taskOptionsSchema.extend({
  url: z.string().url('expected an http:// or https:// URL').max(4000),
});

export const questionSchema = z.string().trim().min(1, 'ask a question').max(2000, 'at most 2000 characters');

export const askJsonSchema = z
  .object({
    url: z.string().url('expected an http:// or https:// URL').max(4000).optional(),
    id: z.union([z.number().int().positive(), z.string().regex(/^[1-9][0-9]{0,14}$/, 'an image id')]).optional(),
    question: questionSchema,
  })
  .refine((body) => (body.url === undefined) !== (body.id === undefined), {
    message: 'give exactly one of "url" or "id"',
  });

export const editSchema = z
  .object({
    caption: z.string().trim().max(2000).nullable().optional(),
    tags: z.array(z.string().trim().min(1).max(100)).max(100).nullable().optional(),
  })
  .strict()
  .refine((body) => body.caption !== undefined || body.tags !== undefined, {
    message: 'give "caption" or "tags" (null clears your own value)',
  });

export const indexSchema = z.object({
  path: z.string().min(1, 'give the folder to index').max(4000),
  force: z.boolean().optional(),
  prune: z.boolean().optional(),
});
