/**
 * `glimpse export`: every image of the library, one record each, as JSON Lines or CSV — for RAG loaders,
 * spreadsheets and other tools. Streamed: a million images export in constant memory.
 */

import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import type { Writable } from 'node:stream';
import type { Command } from 'commander';
import { GlimpseError } from '../../errors.js';
import { EXIT, openGlimpse } from '../context.js';
import { metadataOptions } from './metadata.js';

export function register(program: Command): void {
  program
    .command('export')
    .description('write every image of the library as records (JSON Lines or CSV) for RAG pipelines and other tools')
    .option('-f, --format <format>', 'jsonl, csv, or xmp (an XMP sidecar beside each indexed file)', 'jsonl')
    .option('--sidecar-name <style>', 'with --format xmp: "image" (photo.jpg.xmp, default) or "base" (photo.xmp)')
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
  glimpse export --format csv -o library.csv
  glimpse export --format xmp                       XMP sidecars that photo managers read (= glimpse metadata write)`,
    )
    .action(
      async (
        options: { format: string; output?: string; withEmbeddings?: boolean; sidecarName?: string },
        command: Command,
      ) => {
        // XMP is not a stream of records but a file beside each image: the metadata writer does it.
        if (options.format === 'xmp') return exportXmp(command, options.sidecarName);
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
          const summary = await glimpse.export({
            format: options.format,
            withEmbeddings: options.withEmbeddings,
            write,
          });
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
      },
    );
}

async function exportXmp(command: Command, sidecarName: string | undefined): Promise<void> {
  const chosen = metadataOptions('sidecar', sidecarName);
  const glimpse = await openGlimpse(command);
  try {
    const summary = await glimpse.writeMetadata([], chosen);
    for (const failure of summary.failures) process.stderr.write(`${failure.path}: ${failure.error.message}\n`);
    process.stderr.write(`${summary.written.length} XMP sidecars written, ${summary.failures.length} failed\n`);
    process.exitCode = summary.failures.length > 0 ? EXIT.partial : EXIT.ok;
  } finally {
    await glimpse.close();
  }
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
