/**
 * `glimpse export`: every image of the library, one record each, as JSON Lines or CSV — for RAG loaders,
 * spreadsheets and other tools. Streamed: a million images export in constant memory.
 */

import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import type { Writable } from 'node:stream';
import type { Command } from 'commander';
import { GlimpseError } from '../../errors.js';
import { openGlimpse } from '../context.js';

export function register(program: Command): void {
  program
    .command('export')
    .description('write every image of the library as records (JSON Lines or CSV) for RAG pipelines and other tools')
    .option('-f, --format <format>', 'jsonl or csv', 'jsonl')
    .option('-o, --output <file>', 'write to this file (default: standard output)')
    .option('--with-embeddings', 'include the stored vectors (one per embedding model)')
    .addHelpText(
      'after',
      `
Each record: id, path, sha256, caption, detailed, alt, tags, objects, text, provider, model, promptVersion,
describedAt, edits (the person's own caption and tags), content (the text to embed), and with --with-embeddings
embeddings {model: [...]}.

Examples:
  glimpse export -o library.jsonl
  glimpse export --format csv -o library.csv`,
    )
    .action(async (options: { format: string; output?: string; withEmbeddings?: boolean }, command: Command) => {
      const glimpse = await openGlimpse(command, { readonly: true });
      const stream: Writable = options.output ? createWriteStream(options.output) : process.stdout;
      let failed: Error | null = null;
      stream.on('error', (error) => (failed = error));
      const write = async (chunk: string) => {
        if (failed) throw outputError(failed, options.output);
        if (!stream.write(chunk)) await drained(stream);
        if (failed) throw outputError(failed, options.output);
      };
      try {
        const summary = await glimpse.export({ format: options.format, withEmbeddings: options.withEmbeddings, write });
        if (options.output) {
          stream.end();
          await once(stream, 'finish');
          process.stderr.write(`${summary.records} images exported to ${options.output} (${summary.format})\n`);
        }
      } catch (error) {
        if (options.output) stream.destroy();
        if (
          (error as NodeJS.ErrnoException)?.code === 'EPIPE' ||
          (failed as NodeJS.ErrnoException | null)?.code === 'EPIPE'
        )
          return; // the reader stopped early (`| head`): not an error
        throw error;
      } finally {
        await glimpse.close();
      }
    });
}

/** Resolves when the stream drains or fails (the failure itself is kept by the caller's error listener). */
function drained(stream: Writable): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      stream.off('drain', done);
      stream.off('error', done);
      resolve();
    };
    stream.on('drain', done);
    stream.on('error', done);
  });
}

function outputError(error: Error, file: string | undefined): Error {
  if ((error as NodeJS.ErrnoException).code === 'EPIPE') return error;
  return new GlimpseError('PERMISSION_DENIED', `${file ?? 'standard output'}: cannot write (${error.message})`, {
    path: file,
    cause: error,
    hint: 'Check that the folder exists and is writable.',
  });
}
