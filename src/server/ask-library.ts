/**
 * `POST /api/v1/ask` without an image (no `url`, no `id`): a question about the whole library, answered from its
 * descriptions with the images it cites (the library's `askLibrary`).
 */
import { z } from 'zod';
import type { Glimpse } from '../glimpse.js';
import type { AskLibraryResult } from '../types.js';
import { parseOrThrow, questionSchema } from './validation.js';

export const askLibrarySchema = z
  .object({
    question: questionSchema,
    limit: z.number().int('a whole number').min(1).max(50).optional(),
    look: z.number().int('a whole number').min(0).max(3).optional(),
    extractive: z.boolean().optional(),
  })
  .strict();

/** A JSON body that names no image asks the library. */
export function isLibraryQuestion(body: unknown): boolean {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return false;
  return !('url' in body) && !('id' in body);
}

export async function answerLibraryQuestion(
  glimpse: Glimpse,
  body: unknown,
  signal: AbortSignal,
): Promise<AskLibraryResult> {
  const { question, ...options } = parseOrThrow(askLibrarySchema, body, 'JSON body');
  return glimpse.askLibrary(question, { ...options, signal });
}
