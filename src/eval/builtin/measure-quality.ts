/**
 * Measures the built-in analyzer on a captioned photo set (default ../shared/data/coco-dev): CIDEr-D and BLEU-4
 * of its captions against the human references, a rough search self-check (Recall@1/5/10 of an SQLite FTS5 index
 * of its captions and tags, queried with every human caption), images per second and peak memory.
 * Not a test: run `node dist/eval/builtin/measure-quality.js [manifest.jsonl] [--signals cache.json] [--limit N]`.
 * With --signals, analysis results are cached so language changes can be re-measured in seconds.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { prepareImage } from '../../images/prepare.js';
import { readInput } from '../../images/read-input.js';
import type { Signals } from '../../providers/builtin/analysis/signals.js';
import { BuiltinDescriber } from '../../providers/builtin/index.js';
import { composeDescription } from '../../providers/builtin/language/compose.js';
import type { ImageDescriber } from '../../providers/spec.js';
import { corpusBleu } from '../metrics/bleu.js';
import { ciderD } from '../metrics/cider.js';
import { namingScores } from '../metrics/nouns.js';
import { tokenizeCaption } from '../metrics/tokenize.js';

interface Entry {
  file: string;
  captions: string[];
}

async function main() {
  const args = process.argv.slice(2);
  const option = (name: string) => {
    const index = args.indexOf(name);
    return index >= 0 ? args.splice(index, 2)[1] : undefined;
  };
  const cachePath = option('--signals');
  const limit = Number(option('--limit') ?? Infinity);
  const realSearch = args.includes('--search') && args.splice(args.indexOf('--search'), 1).length > 0;
  const manifest = resolve(args[0] ?? '../shared/data/coco-dev/manifest.jsonl');
  const entries = readFileSync(manifest, 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Entry)
    .slice(0, limit);

  const cache: Record<string, Signals> =
    cachePath && existsSync(cachePath) ? JSON.parse(readFileSync(cachePath, 'utf8')) : {};
  const missing = entries.filter((entry) => !cache[entry.file]);
  if (missing.length > 0) {
    const describer = new BuiltinDescriber();
    let peakRss = process.memoryUsage().rss;
    const timer = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 200);
    // Warm the models first so the rate measures steady-state indexing, as a long index run sees it.
    const warm = await prepareImage(await readInput(join(dirname(manifest), missing[0].file)), missing[0].file, {
      maxSide: describer.preferredImageSize,
    });
    await Promise.all([0, 1].map(() => describer.describe({ image: warm.image, task: 'json' })));
    const started = performance.now();
    let next = 0;
    const work = async () => {
      while (next < missing.length) {
        const entry = missing[next++];
        const path = join(dirname(manifest), entry.file);
        const prepared = await prepareImage(await readInput(path), path, { maxSide: describer.preferredImageSize });
        cache[entry.file] = await describer.analyze(prepared.image, { objects: true, text: true, safety: true });
      }
    };
    await Promise.all(Array.from({ length: 4 }, work));
    const seconds = (performance.now() - started) / 1000;
    clearInterval(timer);
    await describer.close();
    // Worker threads share the process, so the process RSS covers them.
    console.log(
      `analysed ${missing.length} images in ${seconds.toFixed(1)} s: ${(missing.length / seconds).toFixed(2)} images/s, peak RSS ${(peakRss / 2 ** 20).toFixed(0)} MiB`,
    );
    if (cachePath) writeFileSync(cachePath, JSON.stringify(cache));
  }

  const descriptions = entries.map((entry) => composeDescription(cache[entry.file], 'builtin'));
  const pairs = entries.map((entry, index) => ({
    candidate: tokenizeCaption(descriptions[index].caption ?? ''),
    references: entry.captions.map(tokenizeCaption),
  }));
  const cider = ciderD(pairs).score;
  const bleu = corpusBleu(pairs).scores[3];
  const flagged = descriptions.filter((description) => description.safety?.flagged).length;
  const withText = descriptions.filter((description) => description.text).length;
  console.log(
    `images ${entries.length}  CIDEr-D ${cider.toFixed(3)}  BLEU-4 ${bleu.toFixed(3)}  safety-flagged ${flagged}  with-text ${withText}`,
  );
  // Honesty: of the objects and places the captions name, the share the references name too (and recall).
  const named = (texts: string[], kind: 'objects' | 'scenes') => {
    const scores = namingScores(
      entries.map((entry, index) => ({ candidate: texts[index], references: entry.captions })),
      kind,
    );
    return `precision ${scores.precision.toFixed(3)} (${scores.correct}/${scores.named})  recall ${scores.recall.toFixed(3)} (${scores.found}/${scores.agreed})`;
  };
  const captions = descriptions.map((description) => description.caption ?? '');
  console.log(`nouns in captions: ${named(captions, 'objects')}`);
  console.log(`scenes in captions: ${named(captions, 'scenes')}`);
  console.log(
    `scenes in captions + tags: ${named(
      descriptions.map((description) => `${description.caption ?? ''} ${description.tags.join(' . ')}`),
      'scenes',
    )}`,
  );
  console.log(
    searchSelfCheck(
      entries,
      descriptions.map((description) =>
        [description.caption, description.tags.join(' '), description.detailed].join('\n'),
      ),
    ),
  );
  if (realSearch) console.log(await projectSearch(manifest, entries, cache));
  if (process.env.SHOW_CAPTIONS)
    for (const [index, entry] of entries.entries())
      console.log(`${entry.file}\t${descriptions[index].caption}\t${entry.captions[0]}`);
}

/**
 * The project's own search (src/search) over descriptions composed from the cached signals: a describer that
 * replays them, indexed and queried by `glimpse eval search`'s code. Needs the signals of every image.
 */
async function projectSearch(manifest: string, entries: Entry[], cache: Record<string, Signals>): Promise<string> {
  const { loadCaptionManifest } = await import('../../eval/manifest.js');
  const { evaluateSearchWithProvider, withTemporaryFolder } = await import('../../eval/search.js');
  const { createGlimpse } = await import('../../glimpse.js');
  const wanted = new Set(entries.map((entry) => entry.file));
  const captionEntries = loadCaptionManifest(manifest).filter((entry) => wanted.has(entry.file));
  const byPath = new Map(captionEntries.map((entry) => [entry.path, cache[entry.file]]));
  const live = new BuiltinDescriber();
  const replay: ImageDescriber = {
    specificationVersion: 'v1',
    provider: 'builtin',
    modelId: live.modelId,
    capabilities: live.capabilities,
    preferredImageSize: 64,
    promptVersion: live.promptVersion,
    async describe(request) {
      const signals = byPath.get(request.image.source);
      if (!signals) throw new Error(`no cached signals for ${request.image.source}`);
      return composeDescription(signals, live.modelId);
    },
  };
  const result = await withTemporaryFolder(async (folder) => {
    const glimpse = await createGlimpse({ db: join(folder, 'search.db'), provider: replay, embedder: null });
    try {
      return await evaluateSearchWithProvider(glimpse, captionEntries, { concurrency: 4 });
    } finally {
      await glimpse.close();
    }
  });
  const metrics = result.metrics as unknown as Record<string, number>;
  return `project search (${result.images} images): ${Object.entries(metrics)
    .map(([name, value]) => `${name} ${value.toFixed(3)}`)
    .join('  ')}`;
}

/** FTS5 with BM25, porter stemming, each human caption as an OR query of its words. A rough proxy for real search. */
function searchSelfCheck(entries: Entry[], documents: string[]): string {
  const db = new Database(':memory:');
  db.exec("CREATE VIRTUAL TABLE docs USING fts5(body, tokenize='porter')");
  const insert = db.prepare('INSERT INTO docs(rowid, body) VALUES (?, ?)');
  documents.forEach((body, index) => insert.run(index + 1, body));
  const query = db.prepare('SELECT rowid FROM docs WHERE docs MATCH ? ORDER BY bm25(docs) LIMIT 10');
  const stop = new Set([
    'a',
    'an',
    'the',
    'of',
    'on',
    'in',
    'with',
    'and',
    'is',
    'are',
    'to',
    'at',
    'it',
    'its',
    'that',
    'this',
    'there',
    'some',
    'next',
    'top',
    'near',
    'for',
    'by',
    'his',
    'her',
    'their',
    'while',
    'up',
    'down',
    'two',
    'one',
  ]);
  const hits = [0, 0, 0];
  let reciprocal = 0;
  let queries = 0;
  for (const [index, entry] of entries.entries()) {
    for (const caption of entry.captions) {
      const words = tokenizeCaption(caption).filter((word) => /^[a-z]+$/.test(word) && !stop.has(word));
      if (words.length === 0) continue;
      queries++;
      const ranked = (query.all(words.map((word) => `"${word}"`).join(' OR ')) as { rowid: number }[]).map(
        (row) => row.rowid - 1,
      );
      const rank = ranked.indexOf(index);
      if (rank < 0) continue;
      reciprocal += 1 / (rank + 1);
      if (rank < 1) hits[0]++;
      if (rank < 5) hits[1]++;
      hits[2]++;
    }
  }
  db.close();
  const [r1, r5, r10] = hits.map((count) => (count / queries).toFixed(3));
  return `search self-check (FTS5 OR-query, ${queries} queries): R@1 ${r1}  R@5 ${r5}  R@10 ${r10}  MRR@10 ${(reciprocal / queries).toFixed(3)}`;
}

await main();
