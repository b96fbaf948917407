/**
 * `glimpse index <folder|image>...`: describe and store what is new or changed; ends with a summary.
 */
import type { Command } from 'commander';
import type { Glimpse } from '../../glimpse.js';
import { addEmbedderOptions, addProviderOptions, EXIT, openGlimpse, parsePositive, printJson } from '../context.js';
import { noImagesError, requireExistingPaths } from '../inputs.js';
import { pc } from '../output.js';
import { createProgress } from '../progress.js';

export function register(program: Command): void {
  addEmbedderOptions(
    addProviderOptions(
      program
        .command('index')
        .description('describe and index images so they can be searched (incremental and resumable)')
        .argument('<paths...>', 'folders (walked recursively) and image files')
        .option('-c, --concurrency <n>', 'images described at once (default: 4)')
        .option('--force', 'describe every image again, even unchanged ones')
        .option('--prune', 'forget indexed files under these folders that no longer exist')
        .option('--dry-run', 'count what would be described and estimate tokens and cost; call no model')
        .option(
          '--enqueue',
          'queue one job per image for `glimpse worker` processes and return (needs --db postgres://…)',
        )
        .option(
          '--write-metadata <where>',
          'also write caption, tags, alt text as XMP: "sidecar" (photo.jpg.xmp) or "embed" (into the file)',
        )
        .option('--sidecar-name <style>', 'sidecar naming: "image" (photo.jpg.xmp, default) or "base" (photo.xmp)')
        .option('--json', 'print the summary as JSON'),
    ),
  ).action(
    async (
      paths: string[],
      options: {
        concurrency?: string;
        force?: boolean;
        prune?: boolean;
        dryRun?: boolean;
        enqueue?: boolean;
        json?: boolean;
        writeMetadata?: string;
        sidecarName?: string;
      },
      command: Command,
    ) => {
      const metadata = options.writeMetadata
        ? (await import('./metadata.js')).metadataOptions(options.writeMetadata, options.sidecarName)
        : undefined;
      // A mistyped path is a usage error, found before anything is opened or recorded.
      await requireExistingPaths(paths);
      if (options.enqueue) (await import('./worker.js')).requirePostgresLibrary(command);
      const glimpse = await openGlimpse(command);
      if (options.enqueue) {
        try {
          await enqueue(glimpse, paths, options);
        } finally {
          await glimpse.close();
        }
        return;
      }
      if (options.dryRun) {
        try {
          const estimate = await glimpse.estimate(paths, { force: options.force });
          if (estimate.total === 0) throw await noImagesError(paths);
          if (options.json) printJson(estimate);
          else process.stdout.write(`${formatEstimate(estimate)}\n`);
        } finally {
          await glimpse.close();
        }
        return;
      }
      const progress = createProgress({ quiet: options.json });
      const interrupted = new AbortController();
      // Ctrl-C: finish the images in flight (each is committed as it completes), then stop.
      const onSignal = () => interrupted.abort();
      process.once('SIGINT', onSignal);
      try {
        const summary = await glimpse.index(paths, {
          force: options.force,
          prune: options.prune,
          concurrency: options.concurrency ? parsePositive(options.concurrency, '--concurrency') : undefined,
          onProgress: (event) => progress.update(event),
          signal: interrupted.signal,
        });
        progress.stop();
        if (summary.total === 0 && summary.pruned === 0) throw await noImagesError(paths);
        // --write-metadata: XMP for photo managers, after the descriptions are stored.
        const metadataSummary = metadata ? await glimpse.writeMetadata(paths, metadata) : undefined;
        if (metadataSummary) {
          summary.failed += metadataSummary.failures.length;
          summary.failures.push(...metadataSummary.failures);
          if (!options.json)
            process.stderr.write(`metadata: ${metadataSummary.written.length} written (${metadata!.target})\n`);
        }
        if (options.json) {
          printJson(metadataSummary ? { ...summary, metadata: metadataSummary } : summary);
        } else {
          const seconds = (summary.ms / 1000).toFixed(1);
          const parts = [
            `${pc.green(String(summary.indexed))} indexed`,
            `${summary.unchanged} unchanged`,
            `${summary.failed > 0 ? pc.red(String(summary.failed)) : '0'} failed`,
          ];
          if (options.prune) parts.push(`${summary.pruned} pruned`);
          process.stderr.write(`${parts.join(', ')} in ${seconds} s (database: ${glimpse.dbPath})\n`);
          if (summary.usage.inputTokens > 0) {
            const cost = summary.usage.costUsd === null ? 'cost unknown' : `≈ $${summary.usage.costUsd.toFixed(4)}`;
            process.stderr.write(
              `tokens: ${summary.usage.inputTokens} in, ${summary.usage.outputTokens} out (${cost})\n`,
            );
          }
          if (summary.chain) process.stderr.write(chainLines(summary.chain));
          if (summary.failed > 0) process.stderr.write('Run `glimpse status` to list failed files and why.\n');
        }
        process.exitCode = summary.failed > 0 ? EXIT.partial : EXIT.ok;
      } finally {
        progress.stop();
        process.off('SIGINT', onSignal);
        await glimpse.close();
      }
    },
  );
}

async function enqueue(glimpse: Glimpse, paths: string[], options: { force?: boolean; json?: boolean }) {
  const summary = await glimpse.enqueue(paths, { force: options.force });
  if (summary.queued === 0 && summary.failures.length === 0) throw await noImagesError(paths);
  if (options.json) printJson(summary);
  else {
    process.stderr.write(
      `${pc.green(String(summary.queued))} images queued for ${summary.provider} / ${summary.model} (queue ${summary.queue})` +
        `${summary.failures.length ? `, ${pc.red(String(summary.failures.length))} could not be queued` : ''}\n` +
        `Workers describe them: glimpse worker --db ${glimpse.dbPath} --provider ${summary.provider} --model ${summary.model}\n`,
    );
    for (const failure of summary.failures) process.stderr.write(`  ${failure.path}: ${failure.error.message}\n`);
  }
  process.exitCode = summary.failures.length > 0 ? EXIT.partial : EXIT.ok;
}

function formatEstimate(estimate: import('../../types.js').IndexEstimate): string {
  const cost =
    estimate.costUsd === null
      ? 'cost unknown (no price for this model)'
      : estimate.costUsd === 0
        ? 'free (runs locally)'
        : `≈ $${estimate.costUsd.toFixed(4)}`;
  const lines = [
    `${estimate.toDescribe} of ${estimate.total} images would be described with ${estimate.provider} / ${estimate.model}; ${estimate.unchanged} unchanged.`,
    `estimated tokens: ${estimate.inputTokens} in, ${estimate.outputTokens} out — ${cost}`,
  ];
  if (estimate.unreadable.length)
    lines.push(`${estimate.unreadable.length} files could not be read and would fail (see them with a real run).`);
  return lines.join('\n');
}

/** "described by builtin: 9 images; passed over: ollama for 9 (…unreachable…)". */
function chainLines(chain: NonNullable<import('../../types.js').IndexSummary['chain']>): string {
  const answered = Object.entries(chain.answeredBy).map(([provider, images]) => `${provider} ${images}`);
  const lines = [`described by ${answered.join(', ')}`];
  for (const entry of chain.passedOver)
    lines.push(`${entry.provider} was passed over for ${entry.images} image(s): ${entry.message}`);
  return `${lines.join('\n')}\n`;
}
