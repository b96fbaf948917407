/**
 * `glimpse search <query>`: ranked results with matched words highlighted, or JSON for scripts.
 */
import type { Command } from 'commander';
import { GlimpseError } from '../../errors.js';
import { cleanQuery } from '../../search/query.js';
import { addEmbedderOptions, openGlimpse, parsePositive, printJson } from '../context.js';
import { displayPath, highlight, pc } from '../output.js';

interface SearchFlags {
  limit: string;
  json?: boolean;
  after?: string;
  before?: string;
  tag?: string[];
  hasText?: boolean;
  folder?: string;
}

export function register(program: Command): void {
  addEmbedderOptions(
    program
      .command('search')
      .description('find indexed images by what they show')
      .argument('[query...]', 'words or "quoted phrases"; -word excludes a word')
      .option('-n, --limit <n>', 'how many results', '10')
      .option('--after <date>', 'taken (or added) on or after this date, e.g. 2024-05-01')
      .option('--before <date>', 'taken (or added) on or before this date')
      .option('--tag <tag>', 'only images with this tag (repeatable)', (value: string, previous: string[] = []) => [
        ...previous,
        value,
      ])
      .option('--has-text', 'only images in which text was found')
      .option('--folder <path>', 'only images under this folder')
      .option('--json', 'print {"query", "results": [...]} as JSON'),
  ).action(async (words: string[], options: SearchFlags, command: Command) => {
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
    const glimpse = await openGlimpse(command, { readonly: false });
    try {
      const response = await glimpse.search(query, {
        limit: parsePositive(options.limit, '--limit'),
        after: options.after,
        before: options.before,
        tags: options.tag,
        hasText: options.hasText,
        folder: options.folder,
      });
      if (options.json) {
        printJson({
          query: response.query,
          results: response.results.map(({ id, path, score, caption, tags, snippet, why }) => ({
            path,
            score,
            caption,
            tags,
            snippet,
            id,
            why,
          })),
        });
        return;
      }
      if (response.results.length === 0) {
        const { images } = glimpse.status();
        process.stdout.write(
          images === 0 ? 'The index is empty: run `glimpse index <folder>` first.\n' : `No images match "${query}".\n`,
        );
        return;
      }
      response.results.forEach((result, position) => {
        const rank = pc.dim(`${String(position + 1).padStart(2)}.`);
        process.stdout.write(`${rank} ${pc.bold(displayPath(result.path))}  ${pc.dim(`score ${result.score}`)}\n`);
        process.stdout.write(`    ${highlight(result.snippet)}\n`);
        const reasons = [
          result.why.fields.length ? `matched in ${result.why.fields.join(', ')}` : '',
          result.why.concepts.length ? `related: ${result.why.concepts.slice(0, 3).join(', ')}` : '',
          result.why.vectorRank ? `similar meaning (#${result.why.vectorRank})` : '',
        ].filter(Boolean);
        if (result.tags.length) process.stdout.write(`    ${pc.dim(`tags: ${result.tags.slice(0, 8).join(', ')}`)}\n`);
        if (reasons.length) process.stdout.write(`    ${pc.dim(reasons.join('; '))}\n`);
      });
      process.stdout.write(pc.dim(`${response.results.length} results in ${response.ms} ms\n`));
    } finally {
      await glimpse.close();
    }
  });
}
