/**
 * `glimpse search <query>`: ranked results with matched words highlighted, or JSON for scripts.
 */
import type { Command } from 'commander';
import { GlimpseError } from '../../errors.js';
import { cleanQuery } from '../../search/query.js';
import { addEmbedderOptions, openGlimpse, parsePositive, printJson } from '../context.js';
import { displayPath, highlight, pc, writeOut } from '../output.js';

interface SearchFlags {
  limit: string;
  offset?: string;
  page?: string;
  json?: boolean;
  after?: string;
  before?: string;
  tag?: string[];
  hasText?: boolean;
  folder?: string;
  exact?: boolean;
}

export function register(program: Command): void {
  addEmbedderOptions(
    program
      .command('search')
      .description('find indexed images by what they show')
      .argument('[query...]', 'words or "quoted phrases"; -word excludes a word')
      .option('-n, --limit <n>', 'how many results', '10')
      .option('--offset <n>', 'skip this many results first (paging)')
      .option('--page <n>', 'show page n of --limit results (1 is the first)')
      .option('--after <date>', 'taken (or added) on or after this date, e.g. 2024-05-01')
      .option('--before <date>', 'taken (or added) on or before this date')
      .option('--tag <tag>', 'only images with this tag (repeatable)', (value: string, previous: string[] = []) => [
        ...previous,
        value,
      ])
      .option('--has-text', 'only images in which text was found')
      .option('--folder <path>', 'only images under this folder')
      .option('--exact', 'search for the words as typed: no spelling correction')
      .option('--json', 'print {"query", "results": [...]} as JSON')
      // "glimpse search cat -dog": a word starting with "-" that is not an option of this command is query text.
      .allowUnknownOption(),
  ).action(async (_words: string[], options: SearchFlags, command: Command) => {
    // The query's words in the order typed: operands and unknown "-words" (commander keeps them in command.args).
    const words = command.args;
    // A mistyped long option ("--jsn") is still an error; only "-word" is taken as query text.
    const unknown = words.find((word) => /^--[^-]/.test(word));
    if (unknown)
      throw new GlimpseError('USAGE', `unknown option '${unknown}'`, { hint: 'See `glimpse search --help`.' });
    for (const [flag, value] of [
      ['--after', options.after],
      ['--before', options.before],
    ] as const) {
      if (value && Number.isNaN(Date.parse(value)))
        throw new GlimpseError('USAGE', `${flag} needs a date like 2024-05-01, not "${value}"`);
    }
    const query = words.join(' ');
    if (query !== '' && cleanQuery(query) === '')
      throw new GlimpseError(
        'USAGE',
        'The search query has only control characters (such as NUL): nothing to search for',
        {
          hint: 'Type words to search for, or leave the query out to list images with --after, --tag and the like.',
        },
      );
    const limit = parsePositive(options.limit, '--limit');
    if (options.offset !== undefined && options.page !== undefined)
      throw new GlimpseError('USAGE', 'Give --offset or --page, not both');
    const offset =
      options.offset !== undefined
        ? parseCount(options.offset, '--offset')
        : options.page !== undefined
          ? (parsePositive(options.page, '--page') - 1) * limit
          : 0;
    const glimpse = await openGlimpse(command, { readonly: false });
    try {
      const response = await glimpse.search(query, {
        limit,
        offset,
        after: options.after,
        before: options.before,
        tags: options.tag,
        hasText: options.hasText,
        folder: options.folder,
        exact: options.exact,
      });
      if (options.json) {
        printJson({
          query: response.query,
          ...(response.correctedQuery ? { correctedQuery: response.correctedQuery } : {}),
          ...(response.notice ? { notice: response.notice } : {}),
          ...(response.translation ? { translation: response.translation } : {}),
          offset,
          results: response.results.map(({ id, path, score, caption, tags, snippet, weaker, why }) => ({
            path,
            score,
            caption,
            tags,
            snippet,
            id,
            weaker,
            why,
          })),
        });
        return;
      }
      if (response.translation)
        writeOut(
          `Showing results for "${response.correctedQuery}" ${pc.dim(`(translated${response.translation.language ? ` from ${response.translation.language}` : ''} by ${response.translation.model}; the library's text is English)`)}\n`,
        );
      else if (response.correctedQuery)
        writeOut(
          `Showing results for "${response.correctedQuery}" ${pc.dim(`(search for "${query}" as typed with --exact)`)}\n`,
        );
      if (response.results.length === 0) {
        const { images } = glimpse.status();
        writeOut(
          images === 0
            ? 'The index is empty: run `glimpse index <folder>` first.\n'
            : offset > 0
              ? `No more results for "${query}" after the first ${offset}.\n`
              : `No images match "${query}".\n`,
        );
        if (response.notice) writeOut(`${response.notice}\n`);
        return;
      }
      const relevance = relevances(response.results.map((result) => result.score));
      response.results.forEach((result, position) => {
        if (result.weaker && !response.results[position - 1]?.weaker) writeOut(pc.dim(`${WEAKER_HEADING}:\n`));
        const rank = pc.dim(`${String(offset + position + 1).padStart(2)}.`);
        writeOut(
          `${rank} ${pc.bold(displayPath(result.path))}  ${pc.dim(`relevance ${relevance[position].toFixed(2)}`)}\n`,
        );
        writeOut(`    ${highlight(oneLine(result.snippet))}\n`);
        const reasons = [
          result.why.fields.length ? `matched in ${result.why.fields.join(', ')}` : '',
          result.why.concepts.length ? `related: ${result.why.concepts.slice(0, 3).join(', ')}` : '',
          result.why.vectorRank ? `similar meaning (#${result.why.vectorRank})` : '',
        ].filter(Boolean);
        if (result.tags.length) writeOut(`    ${pc.dim(`tags: ${result.tags.slice(0, 8).join(', ')}`)}\n`);
        if (reasons.length) writeOut(`    ${pc.dim(reasons.join('; '))}\n`);
      });
      const shown =
        offset > 0 ? `results ${offset + 1}–${offset + response.results.length}` : `${response.results.length} results`;
      const more = response.results.length === limit ? ` (next: --offset ${offset + limit})` : '';
      writeOut(pc.dim(`${shown} in ${response.ms} ms${more}\n`));
    } finally {
      await glimpse.close();
    }
  });
}

/** Above the results below the relevance floor (see RELEVANCE_FLOOR in search/search.ts). */
export const WEAKER_HEADING = 'weaker matches (they hold less of the query)';

/** A whole number ≥ 0 (0 allowed, unlike --limit). */
function parseCount(value: string, flag: string): number {
  if (!/^\d+$/.test(value.trim())) throw new GlimpseError('USAGE', `${flag} needs a whole number ≥ 0, not "${value}"`);
  return Number(value.trim());
}

/** Snippets hold the image's own line breaks and tabs: one line each in the table. */
export function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/**
 * Raw scores are on no fixed scale (bm25 after reranking can be negative): 0–1 for the table, the best on the page
 * 1. Scores all ≥ 0 are divided by the best; otherwise they are spread between the worst (0) and the best (1).
 */
export function relevances(scores: number[]): number[] {
  if (scores.length === 0) return [];
  const best = Math.max(...scores);
  const worst = Math.min(...scores);
  if (worst >= 0) return scores.map((score) => (best > 0 ? score / best : 1));
  return scores.map((score) => (best === worst ? 1 : (score - worst) / (best - worst)));
}
