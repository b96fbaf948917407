/**
 * Character and word error rates for OCR: Levenshtein distance (insertions, deletions, substitutions, each 1)
 * between what was read and the ground truth, divided by the ground truth's length. Corpus rates sum the
 * distances and the lengths over all items, so long texts weigh more than short ones (the usual definition).
 */

/** Levenshtein distance between two sequences (strings compare by UTF-16 unit; pass arrays for code points or words). */
export function levenshtein<T>(a: ArrayLike<T>, b: ArrayLike<T>): number {
  if (a.length < b.length) [a, b] = [b, a];
  if (b.length === 0) return a.length;
  let previous = new Int32Array(b.length + 1);
  let current = new Int32Array(b.length + 1);
  for (let j = 0; j <= b.length; j++) previous[j] = j;
  for (let i = 1; i <= a.length; i++) {
    current[0] = i;
    const item = a[i - 1];
    for (let j = 1; j <= b.length; j++) {
      const substitution = previous[j - 1] + (item === b[j - 1] ? 0 : 1);
      current[j] = Math.min(substitution, previous[j] + 1, current[j - 1] + 1);
    }
    [previous, current] = [current, previous];
  }
  return previous[b.length];
}

export interface ErrorRateOptions {
  caseInsensitive?: boolean;
}

/** Whitespace runs (line breaks in OCR output) count as one space; ends trimmed. */
export function normaliseText(text: string, options: ErrorRateOptions = {}): string {
  const collapsed = text.normalize('NFC').replace(/\s+/gu, ' ').trim();
  return options.caseInsensitive ? collapsed.toLowerCase() : collapsed;
}

export interface EditCounts {
  edits: number;
  referenceLength: number;
}

export function characterEdits(hypothesis: string, reference: string, options: ErrorRateOptions = {}): EditCounts {
  const hypothesisChars = Array.from(normaliseText(hypothesis, options));
  const referenceChars = Array.from(normaliseText(reference, options));
  return { edits: levenshtein(hypothesisChars, referenceChars), referenceLength: referenceChars.length };
}

export function wordEdits(hypothesis: string, reference: string, options: ErrorRateOptions = {}): EditCounts {
  const words = (text: string) => {
    const normalised = normaliseText(text, options);
    return normalised === '' ? [] : normalised.split(' ');
  };
  const referenceWords = words(reference);
  return { edits: levenshtein(words(hypothesis), referenceWords), referenceLength: referenceWords.length };
}

/** Edits ÷ reference length; an empty reference gives 0 when the hypothesis is empty too, else 1. */
export function errorRate(counts: readonly EditCounts[]): number {
  let edits = 0;
  let length = 0;
  for (const item of counts) {
    edits += item.edits;
    length += item.referenceLength;
  }
  if (length === 0) return edits === 0 ? 0 : 1;
  return edits / length;
}

export function characterErrorRate(hypothesis: string, reference: string, options: ErrorRateOptions = {}): number {
  return errorRate([characterEdits(hypothesis, reference, options)]);
}

export function wordErrorRate(hypothesis: string, reference: string, options: ErrorRateOptions = {}): number {
  return errorRate([wordEdits(hypothesis, reference, options)]);
}
