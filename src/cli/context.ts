/**
 * What every command shares: the common options (--db, --provider, --model…), opening Glimpse from them, and
 * turning errors into a message on stderr and an exit code.
 */
import { existsSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { GlimpseError } from '../errors.js';
import type { Glimpse, GlimpseOptions } from '../glimpse.js';
import { failureShown, writeOut } from './output.js';

export interface CommonOptions {
  db?: string;
  provider?: string;
  model?: string;
  baseUrl?: string;
  timeout?: string;
  maxPixels?: string;
  maxFileMb?: string;
  allowSvg?: boolean;
  embedder?: string;
  embeddingModel?: string;
  modelDir?: string;
  language?: string;
  json?: boolean;
}

/** Exit codes: 0 all done, 1 usage or fatal error, 2 some inputs failed and the rest were done. */
export const EXIT = { ok: 0, fatal: 1, partial: 2 } as const;

/** Options that choose the model; added to the commands that describe images. */
export function addProviderOptions(command: Command): Command {
  return command
    .option(
      '-p, --provider <name>',
      'provider, or a fallback chain like "ollama,builtin" (see `glimpse models`); env GLIMPSE_PROVIDER',
    )
    .option('-m, --model <id>', 'model id for the provider')
    .option(
      '--language <name>',
      'write descriptions and answers in this language, e.g. fr or German (vision-language models; the built-in analyzer and local models write English only); env GLIMPSE_LANGUAGE',
    )
    .option('--base-url <url>', 'API endpoint for the provider (proxies, gateways, self-hosted servers)')
    .option('--timeout <seconds>', 'give up on a model call after this many seconds')
    .option(
      '--max-pixels <n>',
      'refuse images larger than this many pixels (default 100000000); env GLIMPSE_MAX_PIXELS',
    )
    .option('--model-dir <path>', 'folder of local ONNX models for --provider local (env GLIMPSE_MODELS)')
    .option(
      '--max-file-mb <n>',
      'refuse files larger than this many MB before reading them (default 512, at most 2047); env GLIMPSE_MAX_FILE_MB',
    )
    .option(
      '--allow-svg',
      'read SVG files (refused by default), rendered with the pixel cap and no external resources; env GLIMPSE_ALLOW_SVG=1',
    );
}

export function addEmbedderOptions(command: Command): Command {
  command
    .option(
      '--embedder <provider>',
      'provider that embeds text (and images) for hybrid search, e.g. local, openai, ollama',
    )
    .option('--embedding-model <id>', 'embedding model id for --embedder');
  if (!command.options.some((option) => option.long === '--model-dir')) {
    command.option('--model-dir <path>', 'folder of local ONNX models (env GLIMPSE_MODELS)');
  }
  return command;
}

/** Open Glimpse with the options of a command (its own and the program's global ones). */
export async function openGlimpse(command: Command, extra: Partial<GlimpseOptions> = {}): Promise<Glimpse> {
  const options = command.optsWithGlobals<CommonOptions>();
  if (readsOnly(command, extra)) await requireLibrary(extra.db ?? options.db);
  const { createGlimpse } = await import('../glimpse.js');
  const { chooseProvider } = await import('../config/cli-settings.js');
  const timeoutMs = options.timeout ? parsePositive(options.timeout, '--timeout') * 1000 : undefined;
  const chosen = await chooseProvider({
    provider: options.provider,
    model: options.model,
    baseUrl: options.baseUrl,
    timeoutMs,
    modelDir: options.modelDir,
  });
  const embedderName = options.embedder ?? process.env.GLIMPSE_EMBEDDER;
  const embedder = embedderName
    ? await chooseProvider({
        provider: embedderName,
        model: options.embeddingModel,
        modelDir: options.modelDir,
        embedding: true,
      })
    : undefined;
  const maxPixels = options.maxPixels ?? process.env.GLIMPSE_MAX_PIXELS;
  const { fileBytesFromMb, setImageLimits } = await import('../images/limits.js');
  if (options.maxFileMb)
    setImageLimits({ maxFileBytes: fileBytesFromMb(parsePositive(options.maxFileMb, '--max-file-mb')) });
  if (options.allowSvg) setImageLimits({ allowSvg: true });
  const language = options.language || process.env.GLIMPSE_LANGUAGE;
  return createGlimpse({
    db: options.db,
    provider: chosen.provider,
    providerSettings: language
      ? (name) => {
          const settings = chosen.settingsFor(name);
          return { ...settings, options: { ...settings.options, language } };
        }
      : chosen.settingsFor,
    providerSource: chosen.source,
    embedder: embedder?.provider,
    embedderSettings: embedder ? embedder.settingsFor(embedder.provider) : undefined,
    maxPixels: maxPixels ? parsePositive(maxPixels, '--max-pixels') : undefined,
    ...extra,
  });
}

/** Commands that only read a library: they never create one (a mistyped --db would otherwise leave an empty one). */
const READ_ONLY_COMMANDS = new Set(['status', 'search', 'show', 'similar', 'export']);

function readsOnly(command: Command, extra: Partial<GlimpseOptions>): boolean {
  if (extra.db === ':memory:') return false;
  // Top-level commands only: `glimpse eval search` builds its own library.
  if (command.parent?.parent) return false;
  const name = command.name();
  return READ_ONLY_COMMANDS.has(name) || (name === 'ask' && command.opts().library === true);
}

async function requireLibrary(db: string | undefined): Promise<void> {
  if (db === ':memory:' || /^postgres(ql)?:\/\//i.test(db ?? process.env.GLIMPSE_DB ?? '')) return;
  const { defaultDatabasePath } = await import('../config/paths.js');
  const path = resolve(db ?? defaultDatabasePath());
  if (!existsSync(path))
    throw new GlimpseError('USAGE', `No library at ${path}`, {
      hint: 'Check --db (or GLIMPSE_DB); `glimpse index <folder>` creates a library there.',
    });
}

export function parsePositive(value: string, flag: string): number {
  const number = Number(value);
  if (!Number.isFinite(number) || number <= 0)
    throw new GlimpseError('USAGE', `${flag} must be a positive number, not "${value}"`);
  return number;
}

/** Print an error the way users should see it: what went wrong, then what to do. */
export function reportError(error: unknown): number {
  if (error instanceof GlimpseError) {
    // The error that stopped a run was printed with its file (and hint) already: say only that the run stopped.
    if (failureShown(error.message))
      process.stderr.write(`glimpse: stopped (${error.code}): the error above would fail every other image too\n`);
    else process.stderr.write(`glimpse: ${error.message}\n  ${error.hint}\n`);
    return EXIT.fatal;
  }
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(
    `glimpse: unexpected error: ${message}\n  This is a bug in Glimpse; please report it with the command you ran.\n`,
  );
  if (process.env.GLIMPSE_DEBUG && error instanceof Error) process.stderr.write(`${error.stack}\n`);
  return EXIT.fatal;
}

export function printJson(value: unknown): void {
  writeOut(`${JSON.stringify(value)}\n`);
}

/** A folder given with a flag (`--allow-index DIR`): made absolute, and a usage error when it is not a folder. */
export async function existingFolder(path: string, flag: string): Promise<string> {
  const folder = resolve(path);
  const info = await stat(folder).catch(() => null);
  if (!info?.isDirectory())
    throw new GlimpseError('USAGE', `${flag} ${path}: not a folder`, { hint: 'Give a folder that exists.' });
  return folder;
}
