/**
 * `glimpse ask <image> <question>`: answer a question about one image.
 * `glimpse ask --library <question>`: answer a question about the whole library, citing the images it used.
 */
import type { Command } from 'commander';
import { GlimpseError } from '../../errors.js';
import type { AskLibraryResult } from '../../types.js';
import { addEmbedderOptions, addProviderOptions, openGlimpse, printJson } from '../context.js';
import { displayPath, pc } from '../output.js';

interface AskFlags {
  json?: boolean;
  library?: boolean;
  limit?: string;
  look?: string;
  extractive?: boolean;
}

export function register(program: Command): void {
  addEmbedderOptions(
    addProviderOptions(
      program
        .command('ask')
        .description('answer a question about an image (file or URL), or with --library about the whole library')
        .argument('[image]', 'image file or http(s) URL (with --library: the first word of the question)')
        .argument('[question...]', 'the question, e.g. "how many people are there?"')
        .option('--library', 'ask the library: answer from the indexed descriptions, citing the images used')
        .option('-n, --limit <n>', 'with --library: how many descriptions to read (1-50)', '8')
        .option('--look <n>', 'with --library: also send the top N images (0-3), downscaled, to a vision model', '0')
        .option('--extractive', 'with --library: answer from the descriptions without a language model')
        .option('--json', 'print the answer as JSON'),
    ),
  ).action(async (image: string | undefined, question: string[], options: AskFlags, command: Command) => {
    if (options.library) {
      const asked = [image ?? '', ...question].join(' ').trim();
      if (asked === '')
        throw new GlimpseError(
          'USAGE',
          'ask --library needs a question, e.g. glimpse ask --library "which photos show a dog?"',
        );
      const glimpse = await openGlimpse(command);
      try {
        const result = await glimpse.askLibrary(asked, {
          limit: wholeNumber(options.limit ?? '8', '--limit'),
          look: wholeNumber(options.look ?? '0', '--look'),
          extractive: options.extractive,
        });
        if (options.json) printJson(libraryJson(result));
        else process.stdout.write(libraryText(result));
      } finally {
        await glimpse.close();
      }
      return;
    }
    if (!image || question.length === 0)
      throw new GlimpseError('USAGE', 'ask needs an image and a question, or --library and a question', {
        hint: 'e.g. glimpse ask photo.jpg "how many people are there?" or glimpse ask --library "when did we last go to the beach?"',
      });
    const glimpse = await openGlimpse(command, { db: ':memory:' });
    try {
      const answer = await glimpse.ask(image, question.join(' '));
      if (options.json) printJson(answer);
      else process.stdout.write(`${answer.answered ? answer.answer : pc.yellow(answer.answer)}\n`);
    } finally {
      await glimpse.close();
    }
  });
}

function wholeNumber(value: string, flag: string): number {
  if (!/^\d+$/.test(value)) throw new GlimpseError('USAGE', `${flag} must be a whole number, not "${value}"`);
  return Number(value);
}

/** The documented shape first, then how the answer was made. */
function libraryJson(result: AskLibraryResult) {
  const { question, answer, sources, ...rest } = result;
  return { question, answer, sources, ...rest };
}

function libraryText(result: AskLibraryResult): string {
  const lines = [result.mode === 'nothing' ? pc.yellow(result.answer) : result.answer];
  if (result.sources.length > 0) {
    lines.push('', pc.dim('Sources:'));
    for (const source of result.sources)
      lines.push(
        `  ${pc.dim(`[${source.id}]`)} ${displayPath(source.path)}${source.caption ? pc.dim(` — ${source.caption}`) : ''}`,
      );
  }
  const how =
    result.mode === 'model'
      ? `answered by ${result.provider} (${result.model}) from ${plural(result.retrieved, 'description')}${result.looked ? `, looking at ${result.looked} images` : ''}`
      : result.mode === 'extractive'
        ? `extracted from ${plural(result.retrieved, 'description')} without a language model`
        : 'no model called';
  lines.push(pc.dim(`(${how}; searched for "${result.searched}")`));
  return `${lines.join('\n')}\n`;
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
