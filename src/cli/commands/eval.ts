/**
 * `glimpse eval captions|search|ask|ocr`: measure a provider on images with human references (see src/eval).
 * Every subcommand prints a table (a column per provider with --compare), `--json` for scripts and
 * `--report out.html` for people.
 */

import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { GlimpseError } from '../../errors.js';
import { DEFAULT_ASK_K, evaluateAsk, formatAskRuns } from '../../eval/ask.js';
import { evaluateCaptions, evaluateHumanBaseline, evaluatePredictions } from '../../eval/captions.js';
import { type Evaluation, formatNotes, formatRuns, toJson } from '../../eval/format.js';
import { loadCaptionManifest, loadOcrManifest, loadPredictions, matchPredictions } from '../../eval/manifest.js';
import { evaluateOcr } from '../../eval/ocr.js';
import { renderReport } from '../../eval/report.js';
import {
  evaluateSearchOracle,
  evaluateSearchWithProvider,
  type Progress,
  withTemporaryFolder,
} from '../../eval/search.js';
import type { Glimpse } from '../../glimpse.js';
import {
  addEmbedderOptions,
  addProviderOptions,
  type CommonOptions,
  EXIT,
  openGlimpse,
  parsePositive,
  printJson,
} from '../context.js';

/** The development sets beside the project (../shared/data, see its README), used when --manifest is not given. */
const SHARED_DATA = fileURLToPath(new URL('../../../../shared/data/', import.meta.url));
const DEFAULT_CAPTIONS = join(SHARED_DATA, 'coco-dev', 'manifest.jsonl');
const DEFAULT_OCR = join(SHARED_DATA, 'ocr-dev', 'manifest.jsonl');

interface EvalFlags extends CommonOptions {
  manifest: string;
  images?: string;
  limit?: string;
  concurrency?: string;
  compare?: string;
  report?: string;
}

export function register(program: Command): void {
  const evaluate = program
    .command('eval')
    .description('measure caption quality, search quality and OCR on images with human references')
    .addHelpText(
      'after',
      `
Manifests: JSON lines {"file", "captions": [...]} (paths relative to the manifest), a COCO captions file
{"images", "annotations"}, or for OCR JSON lines {"file", "text"}. Scores follow the COCO caption evaluation code.

Examples:
  glimpse eval captions --manifest ../shared/data/coco-dev/manifest.jsonl --provider builtin --limit 50
  glimpse eval captions --manifest M --predictions my-model.jsonl      score captions made elsewhere
  glimpse eval captions --manifest ../shared/data/coco-captions-val2017.json --human   the human baseline
  glimpse eval captions --manifest M --compare builtin,ollama:llava --report report.html
  glimpse eval search --oracle --manifest ../shared/data/coco-captions-val2017.json
  glimpse eval ask --manifest ../shared/data/coco-captions-val2017.json --limit 500 --provider ollama
  glimpse eval ocr --manifest ../shared/data/ocr-dev/manifest.jsonl --case-insensitive`,
    );

  common(
    addProviderOptions(
      evaluate
        .command('captions')
        .description('describe each image and score the captions: BLEU-1..4, ROUGE-L, CIDEr-D'),
    ),
    DEFAULT_CAPTIONS,
  )
    .option('--predictions <file>', 'score captions made elsewhere: JSON lines {"file", "caption"}')
    .option(
      '--human',
      'score one human caption per image against the others: the human baseline (one reference fewer than models get)',
    )
    .option('--compare <providers>', 'run several providers side by side, e.g. builtin,openai:gpt-4o-mini')
    .action(async (flags: EvalFlags & { predictions?: string; human?: boolean }, command: Command) => {
      const entries = limited(loadCaptionManifest(flags.manifest, { imagesDir: flags.images }), flags);
      const runs: Evaluation[] = [];
      if (flags.human) runs.push(evaluateHumanBaseline(entries));
      if (flags.predictions) {
        runs.push(
          evaluatePredictions(
            entries,
            matchPredictions(entries, loadPredictions(flags.predictions), flags.predictions),
            flags.predictions,
          ),
        );
      }
      if ((!flags.predictions && !flags.human) || flags.compare) {
        for (const provider of providerList(flags)) {
          runs.push(
            await withGlimpse(command, ':memory:', provider, (glimpse) =>
              evaluateCaptions(glimpse, entries, { concurrency: concurrency(flags), onProgress: progress(flags) }),
            ),
          );
        }
      }
      await finish(runs, flags);
    });

  common(
    addEmbedderOptions(
      addProviderOptions(
        evaluate
          .command('search')
          .description('index the images, query with each human caption: Recall@1/5/10, MRR, latency'),
      ),
    ),
    DEFAULT_CAPTIONS,
  )
    .option(
      '--oracle',
      'no images or model: store one human caption per image, query with the others (measures search alone; with --embedder, hybrid)',
    )
    .option('--queries-per-image <n>', 'query with at most this many captions of each image (quicker, noisier)')
    .option('--compare <providers>', 'run several providers side by side, e.g. builtin,ollama:llava')
    .action(async (flags: EvalFlags & { oracle?: boolean; queriesPerImage?: string }, command: Command) => {
      const entries = limited(loadCaptionManifest(flags.manifest, { imagesDir: flags.images }), flags);
      const queryOptions = {
        onProgress: progress(flags),
        keepMisses: flags.report ? 12 : 3,
        queriesPerImage: flags.queriesPerImage
          ? parsePositive(flags.queriesPerImage, '--queries-per-image')
          : undefined,
      };
      const runs: Evaluation[] = [];
      if (flags.oracle) {
        // Full text alone unless --embedder is given (then the human captions are embedded too: hybrid search).
        const open = (db: string) =>
          openGlimpse(command, flags.embedder || process.env.GLIMPSE_EMBEDDER ? { db } : { db, embedder: null });
        // A PostgreSQL --db (or GLIMPSE_DB) holds the oracle library, and keeps it; a file --db is not touched.
        const location = command.optsWithGlobals<{ db?: string }>().db ?? process.env.GLIMPSE_DB;
        const db = location && /^postgres(ql)?:\/\//i.test(location) ? location : undefined;
        runs.push(await evaluateSearchOracle(entries, { ...queryOptions, open, db }));
      }
      if (!flags.oracle || flags.compare) {
        for (const provider of providerList(flags)) {
          runs.push(
            await withTemporaryFolder((folder) =>
              withGlimpse(command, join(folder, 'eval.db'), provider, (glimpse) =>
                evaluateSearchWithProvider(glimpse, entries, {
                  ...queryOptions,
                  concurrency: flags.concurrency ? concurrency(flags) : undefined,
                }),
              ),
            ),
          );
        }
      }
      await finish(runs, flags);
    });

  common(
    addEmbedderOptions(
      addProviderOptions(
        evaluate
          .command('ask')
          .description(
            'ask the library "Is there a photo of <held-back caption>?" per image: citation recall@k, extractively and with a model',
          ),
      ),
    ),
    DEFAULT_CAPTIONS,
  )
    .option('-k, --k <n>', 'descriptions read per question (1-50)', String(DEFAULT_ASK_K))
    .option('--extractive', 'only the offline extractive answers, even when the provider has a language model')
    .action(async (flags: EvalFlags & { k: string; extractive?: boolean }, command: Command) => {
      if (flags.report) throw new GlimpseError('USAGE', '--report is not available for eval ask; use --json');
      const entries = limited(loadCaptionManifest(flags.manifest, { imagesDir: flags.images }), flags);
      const k = parsePositive(flags.k, '--k');
      // The oracle library is searched by full text alone unless --embedder is given (then hybrid).
      const open = (db: string) =>
        openGlimpse(command, flags.embedder || process.env.GLIMPSE_EMBEDDER ? { db } : { db, embedder: null });
      const runs = [await evaluateAsk(entries, { k, mode: 'extractive', open, onProgress: progress(flags) })];
      if (!flags.extractive) {
        const probe = await openGlimpse(command, { db: ':memory:', embedder: null });
        const answers = Boolean((await probe.describer()).answer);
        await probe.close();
        if (answers) runs.push(await evaluateAsk(entries, { k, mode: 'model', open, onProgress: progress(flags) }));
      }
      if (flags.json) printJson(runs.length === 1 ? runs[0] : { runs });
      else process.stdout.write(`${formatAskRuns(runs)}\n`);
    });

  common(
    addProviderOptions(
      evaluate.command('ocr').description('read the text in each image: CER and WER against the ground truth'),
    ),
    DEFAULT_OCR,
  )
    .option('--case-insensitive', 'compare ignoring case (the SROIE receipts are transcribed in upper case)')
    .option(
      '--stored-order',
      "score against the reference in the manifest's stored order, not in reading order from its polygons",
    )
    .option('--compare <providers>', 'run several providers side by side')
    .action(async (flags: EvalFlags & { caseInsensitive?: boolean; storedOrder?: boolean }, command: Command) => {
      const entries = limited(loadOcrManifest(flags.manifest), flags);
      const runs: Evaluation[] = [];
      for (const provider of providerList(flags)) {
        runs.push(
          await withGlimpse(command, ':memory:', provider, (glimpse) =>
            evaluateOcr(glimpse, entries, {
              caseInsensitive: flags.caseInsensitive,
              storedOrder: flags.storedOrder,
              concurrency: concurrency(flags),
              onProgress: progress(flags),
            }),
          ),
        );
      }
      await finish(runs, flags);
    });
}

function common(command: Command, defaultManifest: string): Command {
  return command
    .option('--manifest <path>', 'manifest of images and references', defaultManifest)
    .option('--images <folder>', 'where the images are, when the manifest is a COCO captions file elsewhere')
    .option('-n, --limit <n>', 'only the first N images')
    .option(
      '--concurrency <n>',
      "images described at once (default 1, where latency is most honest; for search, the provider's own)",
    )
    .option('--json', 'print {"metrics": {...}, "n": ..., ...} (with --compare: {"runs": [...]})')
    .option('--report <file>', 'write an HTML report with a chart and the worst-scored images');
}

function limited<T>(entries: T[], flags: EvalFlags): T[] {
  return flags.limit ? entries.slice(0, parsePositive(flags.limit, '--limit')) : entries;
}

function concurrency(flags: EvalFlags): number {
  return flags.concurrency ? parsePositive(flags.concurrency, '--concurrency') : 1;
}

interface ProviderChoice {
  provider?: string;
  model?: string;
}

/** `--compare a,b:model` → one choice each; without it, the command's own --provider/--model (or the default). */
function providerList(flags: EvalFlags): ProviderChoice[] {
  if (!flags.compare) return [{}];
  const choices = flags.compare
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean)
    .map((item) => {
      const colon = item.indexOf(':');
      return colon > 0 ? { provider: item.slice(0, colon), model: item.slice(colon + 1) } : { provider: item };
    });
  if (choices.length === 0)
    throw new GlimpseError('USAGE', '--compare needs providers separated by commas, e.g. builtin,openai:gpt-4o-mini');
  return choices;
}

async function withGlimpse<T>(
  command: Command,
  db: string,
  choice: ProviderChoice,
  work: (glimpse: Glimpse) => Promise<T>,
): Promise<T> {
  const flags = command.optsWithGlobals<CommonOptions>();
  const glimpse = await openGlimpse(
    command,
    choice.provider
      ? {
          db,
          provider: choice.provider,
          providerSettings: {
            model: choice.model,
            baseUrl: flags.baseUrl,
            timeoutMs: flags.timeout ? Number(flags.timeout) * 1000 : undefined,
          },
        }
      : { db },
  );
  try {
    return await work(glimpse);
  } finally {
    await glimpse.close();
  }
}

/**
 * Progress on stderr, each phase on its own line: a counter on a terminal (redrawn at most every 100 ms, and always at
 * the end), a line at each tenth otherwise; nothing with --json.
 */
function progress(flags: EvalFlags): Progress | undefined {
  if (flags.json) return undefined;
  let phaseShown = '';
  let lastTenth = -1;
  let lastDrawn = 0;
  let open = false;
  return (phase, done, total) => {
    if (phase !== phaseShown) {
      if (open) process.stderr.write('\n');
      open = false;
      phaseShown = phase;
      lastTenth = -1;
      lastDrawn = 0;
    }
    if (process.stderr.isTTY) {
      const now = Date.now();
      if (done < total && now - lastDrawn < 100) return;
      lastDrawn = now;
      // \x1b[K clears what a longer line left behind, so "9/120" never reads as "9/1200".
      process.stderr.write(`\r${phase} ${done}/${total}\x1b[K${done === total ? '\n' : ''}`);
      open = done < total;
      return;
    }
    const tenth = Math.floor((done / Math.max(total, 1)) * 10);
    if (tenth !== lastTenth) {
      lastTenth = tenth;
      process.stderr.write(`${phase} ${done}/${total}\n`);
    }
  };
}

async function finish(runs: Evaluation[], flags: EvalFlags): Promise<void> {
  if (flags.report) {
    await writeFile(flags.report, await renderReport(runs, { manifest: flags.manifest }));
  }
  if (flags.json) {
    printJson(runs.length === 1 ? toJson(runs[0]) : { runs: runs.map(toJson) });
  } else {
    process.stdout.write(`${formatRuns(runs)}\n`);
    const notes = formatNotes(runs);
    if (notes) process.stdout.write(`${notes}\n`);
    if (flags.report) process.stdout.write(`report: ${flags.report}\n`);
  }
  const failed = runs.some((run) => (run.task === 'search' ? run.failedImages.length : run.failed.length) > 0);
  if (failed) process.exitCode = EXIT.partial;
}
