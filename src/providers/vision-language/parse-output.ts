/**
 * Turning model text into Description fields: JSON extraction with light repair (code fences, prose around the
 * object, trailing commas, smart quotes), alt-text clean-up, tag lists, OCR's NO_TEXT marker.
 */
import type { z } from 'zod';
import { ALT_TEXT_LIMIT } from './prompts.js';

export type ParseResult<T> = { ok: true; value: T } | { ok: false; problem: string };

/** Parse model output as JSON validated by `schema`, repairing the usual small mistakes first. */
export function parseModelJson<T>(text: string, schema: z.ZodType<T>): ParseResult<T> {
  const candidate = extractJsonObject(text);
  if (candidate === null) return { ok: false, problem: 'it contained no JSON object' };
  let value: unknown;
  try {
    value = JSON.parse(candidate);
  } catch {
    try {
      value = JSON.parse(repairJson(candidate));
    } catch (error) {
      return { ok: false, problem: `it was not valid JSON (${(error as Error).message})` };
    }
  }
  const checked = schema.safeParse(value);
  if (checked.success) return { ok: true, value: checked.data };
  const issues = checked.error.issues
    .slice(0, 5)
    .map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
  return { ok: false, problem: `it did not match the schema (${issues.join('; ')})` };
}

/** The outermost {...} in the text, ignoring code fences and prose before or after. */
function extractJsonObject(text: string): string | null {
  const unfenced = text.replace(/```(?:json)?/gi, '');
  const start = unfenced.indexOf('{');
  const end = unfenced.lastIndexOf('}');
  if (start === -1) return null;
  // A reply cut off by the token limit has no closing brace; repairJson closes it.
  return end > start ? unfenced.slice(start, end + 1) : unfenced.slice(start);
}

function repairJson(text: string): string {
  let repaired = text
    .replace(/[\u201C\u201D]/g, '"')
    .replace(/[\u2018\u2019]/g, "'")
    .replace(/,\s*([}\]])/g, '$1');
  // Close brackets and a string left open by truncation.
  const stack: string[] = [];
  let inString = false;
  for (let i = 0; i < repaired.length; i++) {
    const char = repaired[i];
    if (inString) {
      if (char === '\\') i++;
      else if (char === '"') inString = false;
    } else if (char === '"') inString = true;
    else if (char === '{') stack.push('}');
    else if (char === '[') stack.push(']');
    else if (char === '}' || char === ']') stack.pop();
  }
  if (inString) repaired += '"';
  repaired = repaired.replace(/,\s*$/, '');
  return repaired + stack.reverse().join('');
}

const ALT_PREFIX = /^(?:an?\s+|the\s+)?(?:image|picture|photo|photograph)\s+(?:of|showing|shows)\s+/i;

/** Alt text as screen readers want it: no "image of", at most 125 characters, cut at a word boundary. */
export function cleanAltText(text: string): string {
  let alt = stripQuotes(text.trim().split('\n')[0] ?? '').replace(ALT_PREFIX, '');
  alt = alt.charAt(0).toUpperCase() + alt.slice(1);
  if (alt.length <= ALT_TEXT_LIMIT) return alt;
  const cut = alt.slice(0, ALT_TEXT_LIMIT - 1);
  const lastSpace = cut.lastIndexOf(' ');
  return `${(lastSpace > 60 ? cut.slice(0, lastSpace) : cut).replace(/[\s,;:.-]+$/, '')}…`;
}

export function cleanSentence(text: string): string {
  return stripQuotes(text.trim());
}

export function parseTags(text: string): string[] {
  const tags = text
    .replace(/^tags\s*:/i, '')
    .split(/[,\n]/)
    .map((tag) =>
      tag
        .replace(/^[\s\-*•\d.)#]+/, '')
        .trim()
        .toLowerCase(),
    )
    .filter((tag) => tag.length > 0 && tag.length <= 40);
  return [...new Set(tags)];
}

export function parseOcr(text: string): string | null {
  const trimmed = text.trim();
  return trimmed === '' || /^NO_TEXT\.?$/i.test(trimmed) ? null : trimmed;
}

function stripQuotes(text: string): string {
  return text.replace(/^["'\u201C]+|["'\u201D]+$/g, '').trim();
}
