/**
 * `glimpse models pull <id>`: download a local model (Florence-2, vit-gpt2, CLIP, MiniLM… by alias or hub id) into
 * the model dir, with a progress bar on a terminal. A command of the local provider's own, registered through its
 * manifest. Adds `pull` under the `models` command when that exists, else creates `models` for it, so the order in
 * which the CLI registers commands does not matter.
 */
import type { Command } from 'commander';
import { GlimpseError } from '../../errors.js';
import { DTYPE_SUFFIXES, type Dtype, MODEL_ALIASES, modelDirectory } from './model-directory.js';
import type { PullProgress } from './pull.js';

interface PullFlags {
  modelDir?: string;
  dtype: string;
  hub?: string;
  json?: boolean;
}

export function register(program: Command): void {
  const models =
    program.commands.find((command) => command.name() === 'models') ??
    program.command('models').description('local models');
  models
    .command('pull')
    .description('download a local model into the model dir (needs the Hugging Face hub or a mirror)')
    .argument('<id>', `hub id or alias (${Object.keys(MODEL_ALIASES).join(', ')})`)
    .option('--model-dir <path>', 'where models live (env GLIMPSE_MODELS; default ~/.cache/glimpse/models)')
    .option('--dtype <dtype>', `which export to fetch: ${Object.keys(DTYPE_SUFFIXES).join(', ')}`, 'fp32')
    .option('--hub <url>', 'hub or mirror base URL (env HF_ENDPOINT; default https://huggingface.co)')
    .option('--json', 'print the result as JSON')
    .action(async (id: string, flags: PullFlags) => {
      if (!Object.hasOwn(DTYPE_SUFFIXES, flags.dtype)) {
        throw new GlimpseError('USAGE', `Unknown --dtype "${flags.dtype}"`, {
          hint: `Use one of ${Object.keys(DTYPE_SUFFIXES).join(', ')}.`,
        });
      }
      const { pullModel } = await import('./pull.js');
      const directory = modelDirectory({ options: { modelDir: flags.modelDir } });
      const progress = flags.json ? null : await fileProgress();
      try {
        const result = await pullModel(id, {
          directory,
          hub: flags.hub,
          dtype: flags.dtype as Dtype,
          onProgress: progress?.update,
        });
        progress?.stop();
        if (flags.json) process.stdout.write(`${JSON.stringify(result)}\n`);
        else
          process.stdout.write(
            `Pulled ${result.id} (${result.files.length} files, ${(result.bytes / 1e6).toFixed(1)} MB) into ${result.path}\n`,
          );
      } finally {
        progress?.stop();
      }
    });
}

/** A byte bar per file on a terminal; one line per finished file otherwise. */
async function fileProgress() {
  // Loaded when a bar is drawn, not whenever the CLI assembles its commands.
  const { default: cliProgress } = await import('cli-progress');
  const bar = process.stderr.isTTY
    ? new cliProgress.SingleBar(
        {
          stream: process.stderr,
          format: ' {bar} {percentage}% | {file} ({index}/{count})',
          hideCursor: true,
          clearOnComplete: true,
        },
        cliProgress.Presets.shades_classic,
      )
    : null;
  let current = '';
  let stopped = false;
  return {
    update(event: PullProgress) {
      const payload = { file: event.file, index: event.fileIndex + 1, count: event.fileCount };
      if (event.file !== current) {
        current = event.file;
        if (bar) {
          bar.stop();
          bar.start(event.total ?? 0, 0, payload);
        }
      }
      if (bar) {
        if (event.total) bar.setTotal(event.total);
        bar.update(event.loaded, payload);
      } else if (event.total !== null && event.loaded === event.total) {
        process.stderr.write(`fetched ${event.file} (${event.fileIndex + 1}/${event.fileCount})\n`);
      }
    },
    stop() {
      if (stopped) return;
      stopped = true;
      bar?.stop();
    },
  };
}
