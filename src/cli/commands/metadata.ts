/**
 * `glimpse metadata write [paths...] --to sidecar|embed`: write what the library knows about indexed images as XMP
 * where photo managers read it (darktable, digiKam, Lightroom, Immich). `glimpse index --write-metadata` does the
 * same right after indexing.
 */
import type { Command } from 'commander';
import { GlimpseError } from '../../errors.js';
import type { WriteMetadataOptions } from '../../types.js';
import { EXIT, openGlimpse, printJson } from '../context.js';
import { displayPath, pc } from '../output.js';

/** Check the --write-metadata / --to and --sidecar-name values. */
export function metadataOptions(target: string, sidecarName?: string): WriteMetadataOptions {
  if (target !== 'sidecar' && target !== 'embed') {
    throw new GlimpseError('USAGE', `Unknown metadata target "${target}"`, {
      hint: 'Use "sidecar" (an XMP file beside each image, photo.jpg.xmp) or "embed" (XMP inside the image file).',
    });
  }
  if (sidecarName !== undefined && sidecarName !== 'image' && sidecarName !== 'base') {
    throw new GlimpseError('USAGE', `Unknown sidecar naming "${sidecarName}"`, {
      hint: 'Use "image" (photo.jpg.xmp: darktable, digiKam, Immich) or "base" (photo.xmp: Lightroom, Capture One).',
    });
  }
  return { target, sidecarName: sidecarName as 'image' | 'base' | undefined };
}

export function register(program: Command): void {
  const metadata = program
    .command('metadata')
    .description('write descriptions as XMP metadata that photo managers read');
  metadata
    .command('write')
    .description('write caption, tags, alt text and detailed description of indexed images as XMP')
    .argument('[paths...]', 'indexed files or folders (default: every indexed file)')
    .option('--to <where>', '"sidecar" (photo.jpg.xmp beside the image) or "embed" (into the image file)', 'sidecar')
    .option('--sidecar-name <style>', 'sidecar naming: "image" (photo.jpg.xmp, default) or "base" (photo.xmp)')
    .option('--json', 'print what was written as JSON')
    .action(
      async (paths: string[], options: { to: string; sidecarName?: string; json?: boolean }, command: Command) => {
        const chosen = metadataOptions(options.to, options.sidecarName);
        const glimpse = await openGlimpse(command);
        try {
          const summary = await glimpse.writeMetadata(paths, {
            ...chosen,
            onWritten: (item) => {
              if (options.json) return;
              if ('error' in item)
                process.stderr.write(`${pc.red('failed')} ${displayPath(item.path)}: ${item.error.message}\n`);
              else process.stderr.write(`${pc.green('wrote')}  ${displayPath(item.path)}\n`);
            },
          });
          if (options.json) printJson(summary);
          else process.stderr.write(`${summary.written.length} written, ${summary.failures.length} failed\n`);
          process.exitCode = summary.failures.length > 0 ? EXIT.partial : EXIT.ok;
        } finally {
          await glimpse.close();
        }
      },
    );
}
