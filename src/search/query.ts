/**
 * Parsing what a user types into a safe FTS5 query. Anything may be typed (`C++ "dog's" AND (`): every word is
 * quoted before it reaches FTS5, so no input is a syntax error. Supported: "quoted phrases", -excluded words.
 */

export interface ParsedQuery {
  /** Single words, lower-case, stop words removed (unless nothing else is left). */
  words: string[];
  /** Quoted phrases, each a list of words. */
  phrases: string[][];
  /** Words prefixed with '-'. */
  excluded: string[];
}

/** Words too common to say anything about a picture; they would also make every row match. */
export const STOP_WORDS = new Set(
  (
    'a an the and or not of on in at to for from by with without into onto over under near next this that these those ' +
    "is are was were be been being it its it's there their they them he she his her him we our you your i me my " +
    'some any all each very as than then so such while who whom which what where when how s t d ll ve re m ' +
    'has have had having do does did can could would should will shall may might must also just up down out off ' +
    'image picture photo photograph shows showing shown show view'
  ).split(' '),
);

const WORD = /[\p{L}\p{N}]+/gu;

// Control characters (NUL, escapes, line breaks…): never part of a word a caption could hold.
const CONTROL = /\p{Cc}+/gu;

/**
 * What was typed without its control characters (each run becomes one space), trimmed. An empty answer means there
 * is nothing to search for: front doors refuse it (a query of only NUL characters would otherwise list everything).
 */
export function cleanQuery(input: string): string {
  return input.replace(CONTROL, ' ').trim();
}

export function tokenize(text: string): string[] {
  return (text.toLowerCase().normalize('NFKC').match(WORD) ?? []).filter((word) => word.length > 1 || /\d/.test(word));
}

export function parseQuery(typed: string): ParsedQuery {
  const input = cleanQuery(typed);
  const phrases: string[][] = [];
  // Balanced double quotes make phrases; a lone quote is just a character.
  const rest = input.replace(/"([^"]*)"/g, (_, phrase: string) => {
    const words = tokenize(phrase);
    if (words.length > 1) phrases.push(words);
    else if (words.length === 1) return ` ${words[0]} `;
    return ' ';
  });
  const excluded: string[] = [];
  const kept: string[] = [];
  for (const chunk of rest.split(/\s+/)) {
    if (!chunk) continue;
    const negated = isExclusion(chunk);
    const words = tokenize(negated ? chunk.slice(1) : chunk);
    (negated ? excluded : kept).push(...words);
  }
  const contentWords = kept.filter((word) => !STOP_WORDS.has(word));
  // "the who" is a band: if only stop words were typed, search for them.
  const words = unique(contentWords.length > 0 || phrases.length > 0 ? contentWords : kept);
  return { words, phrases, excluded: unique(excluded) };
}

/** "-garage": a word the results must not have. */
function isExclusion(chunk: string): boolean {
  return chunk.startsWith('-') && chunk.length > 1;
}

/** What was typed, as a sentence without its -excluded words (for comparing it with captions). */
export function withoutExclusions(input: string): string {
  return input
    .split(/\s+/)
    .filter((chunk) => !isExclusion(chunk))
    .join(' ');
}

/** FTS5 string literal: double the quotes inside, wrap in quotes. Safe for any input. */
export function quote(term: string): string {
  return `"${term.replace(/"/g, '""')}"`;
}

/** `"dog" OR "beach" OR "red car"` with NOT for excluded words; null when there is nothing to match. */
export function toFtsExpression(
  query: ParsedQuery,
  extraTerms: string[] = [],
  weight: (word: string) => number = () => 1,
  operator: 'OR' | 'AND' = 'OR',
): string | null {
  // bm25 adds up every phrase of the query, so a word written twice counts twice: that is how words get weights.
  const weighted = query.words.flatMap((word) => Array.from({ length: weight(word) }, () => word));
  const positives = [...weighted, ...extraTerms]
    .map(quote)
    .concat(query.phrases.map((phrase) => quote(phrase.join(' '))));
  if (positives.length === 0) return null;
  let expression = positives.length === 1 ? positives[0] : `(${positives.join(` ${operator} `)})`;
  for (const word of query.excluded) expression += ` NOT ${quote(word)}`;
  return expression;
}

/** A full-text query with a weight for each phrase, ready for either ranking function (see full-text.ts). */
export interface WeightedExpression {
  /** Each phrase once, for weighted_bm25. */
  expression: string;
  /** Each phrase's weight, in the order FTS5 numbers phrases (as written, the excluded ones last with weight 0). */
  weights: number[];
  /** The same ranking for stock bm25, which has no phrase weights: each phrase written `weight` times. */
  repeated: string;
  /** The phrases to match (a word is a phrase of one) with their weights, for engines that are not FTS5. */
  phrases: { words: string[]; weight: number }[];
  /** Words a result must not have. */
  excluded: string[];
}

/** Like toFtsExpression with weights, for both the native weighted ranking and stock bm25. Null: nothing to match. */
export function toWeightedExpression(
  query: ParsedQuery,
  extraTerms: string[] = [],
  weight: (word: string) => number = () => 1,
): WeightedExpression | null {
  const repeated = toFtsExpression(query, extraTerms, weight);
  if (repeated === null) return null;
  const once = toFtsExpression(query, extraTerms)!;
  const weights = [
    ...query.words.map(weight),
    ...extraTerms.map(() => 1),
    ...query.phrases.map(() => 1),
    ...query.excluded.map(() => 0),
  ];
  const phrases = [
    ...query.words.map((word) => ({ words: [word], weight: weight(word) })),
    ...extraTerms.map((term) => ({ words: [term], weight: 1 })),
    ...query.phrases.map((words) => ({ words, weight: 1 })),
  ];
  return { expression: once, weights, repeated, phrases, excluded: query.excluded };
}

function unique<T>(values: T[]): T[] {
  return [...new Set(values)];
}
