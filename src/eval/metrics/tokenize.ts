/**
 * Caption tokenisation as the COCO caption evaluation code does it (pycocoevalcap's PTBTokenizer: Stanford's
 * PTB tokenizer with -lowerCase, then punctuation tokens dropped). We approximate PTB without Java: lower-case,
 * split off clitics ("dog's" → "dog 's", "don't" → "do n't") and punctuation, keep word-internal hyphens,
 * apostrophes and decimal points ("t-shirt", "3.5"), then drop the tokens pycocoevalcap drops. Other symbols
 * (&, $, %, #) stay as tokens, as they do in PTB.
 */

/** pycocoevalcap's PUNCTUATIONS list, plus brackets and double quotes (PTB renames them to -LRB-, `` and ''). */
const PUNCTUATION = new Set([
  "''",
  "'",
  '``',
  '`',
  '.',
  '?',
  '!',
  ',',
  ':',
  '-',
  '--',
  '...',
  ';',
  '"',
  '(',
  ')',
  '[',
  ']',
  '{',
  '}',
]);

const CLITIC = /([\p{L}\p{N}])('s|'re|'ve|'ll|'d|'m)(?![\p{L}\p{N}])/gu;
const NEGATION = /([\p{L}])n't(?![\p{L}\p{N}])/gu;
/** A clitic, a word (letters/digits joined by -, ., ', /, &), or any other single non-space character. */
const TOKEN =
  /n't|'(?:s|re|ve|ll|d|m)(?![\p{L}\p{N}])|[\p{L}\p{N}]+(?:[-.'/&][\p{L}\p{N}]+)*|-{2,}|\.{3}|[^\s\p{L}\p{N}]/gu;

export function tokenizeCaption(text: string): string[] {
  const normalised = text
    .toLowerCase()
    .replace(/[\u2018\u2019\u02bc]/g, "'")
    .replace(/[\u201c\u201d]/g, '"')
    .replace(/[\u2013\u2014]/g, '--')
    .replace(NEGATION, "$1 n't")
    .replace(CLITIC, '$1 $2');
  const tokens = normalised.match(TOKEN) ?? [];
  return tokens.filter((token) => !PUNCTUATION.has(token));
}
