/**
 * `glimpse edit <image> --caption ... --tags ...`: a person's own caption and tags, kept over generated ones.
 */
import type { Command } from 'commander';
import { GlimpseError } from '../../errors.js';
import { openGlimpse, printJson } from '../context.js';
import { formatDetails } from './show.js';

export function register(program: Command): void {
  program
    .command('edit')
    .description('set your own caption or tags for an indexed image (never overwritten by re-indexing)')
    .argument('<image>', 'path of an indexed image, or its id')
    .option('--caption <text>', 'your caption')
    .option('--tags <list>', 'your tags, comma-separated')
    .option('--clear', 'remove your caption and tags, going back to the generated ones')
    .option('--json', 'print the result as JSON')
    .action(
      async (
        image: string,
        options: { caption?: string; tags?: string; clear?: boolean; json?: boolean },
        command: Command,
      ) => {
        if (options.caption === undefined && options.tags === undefined && !options.clear) {
          throw new GlimpseError('USAGE', 'Nothing to change', { hint: 'Give --caption, --tags or --clear.' });
        }
        const glimpse = await openGlimpse(command);
        try {
          const details = glimpse.edit(
            image,
            options.clear
              ? { caption: null, tags: null }
              : {
                  caption: options.caption,
                  tags: options.tags
                    ?.split(',')
                    .map((tag) => tag.trim())
                    .filter(Boolean),
                },
          );
          if (options.json) printJson(details);
          else process.stdout.write(`${formatDetails(details)}\n`);
        } finally {
          await glimpse.close();
        }
      },
    );
}
