/**
 * Figures for `glimpse alt` and `glimpse export` (issue 14), built here and measured with the real CLI:
 *   node dist/bench/interop.js library DB N [--embeddings]   a synthetic library of N described images
 *   node dist/bench/interop.js site DIR PAGES                a site of PAGES pages over 200 images, indexed in DIR/lib.db
 *   node dist/bench/interop.js export DB [FORMAT] [--with-embeddings]
 *                                                           export in this process to a discarding sink, and print
 *                                                           {records, seconds, peakRssMb, bytes} as JSON
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { createGlimpse } from '../glimpse.js';
import { SqliteStore } from '../storage/sqlite/sqlite-store.js';
import { fakeDescriber, hashingEmbedder } from './fake-providers.js';
import { buildSyntheticStore } from './synthetic-store.js';
import { loadVocabulary } from './vocabulary.js';

export async function buildLibrary(db: string, count: number, embeddings = false): Promise<void> {
  const store = new SqliteStore(db);
  try {
    await buildSyntheticStore(store, loadVocabulary(), count, embeddings ? { embedder: hashingEmbedder(64) } : {});
  } finally {
    store.close();
  }
}

/** Export the library in this process to a sink that counts bytes; peak memory is this process's maximum RSS. */
export async function measureExport(db: string, format = 'jsonl', withEmbeddings = false) {
  const glimpse = await createGlimpse({ db, readonly: true, embedder: null });
  let bytes = 0;
  const started = performance.now();
  try {
    const summary = await glimpse.export({ format, withEmbeddings, write: (chunk) => void (bytes += chunk.length) });
    return {
      records: summary.records,
      seconds: (performance.now() - started) / 1000,
      peakRssMb: process.resourceUsage().maxRSS / 1024,
      bytes,
    };
  } finally {
    await glimpse.close();
  }
}

/** PAGES pages, each with six images from a pool of 200 (one decorative, two with good alt text, three to fix). */
export async function buildSite(dir: string, pages: number): Promise<void> {
  mkdirSync(join(dir, 'img'), { recursive: true });
  for (let index = 0; index < 200; index++) {
    await sharp({
      create: { width: 64, height: 48, channels: 3, background: { r: index, g: (index * 7) % 256, b: 128 } },
    })
      .png()
      .toFile(join(dir, 'img', `photo-${index}.png`));
  }
  const glimpse = await createGlimpse({ db: join(dir, 'lib.db'), provider: fakeDescriber(), embedder: null });
  await glimpse.index([join(dir, 'img')]);
  await glimpse.close();
  for (let page = 0; page < pages; page++) {
    const folder = join(dir, `section-${page % 20}`);
    mkdirSync(folder, { recursive: true });
    const image = (offset: number) => `photo-${(page * 3 + offset) % 200}.png`;
    const html = `<!doctype html>
<html><head><title>Page ${page}</title></head><body>
<h1>Page ${page}</h1>
<p>${'Some text about the subject of this page. '.repeat(20)}</p>
<img src="/img/${image(0)}">
<img src="../img/${image(1)}" alt="IMG_${page}.png">
<picture><source srcset="/img/${image(2)}"><img src="/img/${image(2)}" alt="photo"></picture>
<img src="/img/${image(3)}" alt="" role="presentation">
<img src="/img/${image(4)}" alt="Chart of the results for section ${page}">
<img src="/img/${image(5)}" alt="The team at work">
</body></html>
`;
    writeFileSync(join(folder, `page-${page}.html`), html);
  }
}

const [command, ...args] = process.argv.slice(2);
if (command === 'library') await buildLibrary(args[0], Number(args[1]), args.includes('--embeddings'));
else if (command === 'site') await buildSite(args[0], Number(args[1]));
else if (command === 'export') {
  const format = args[1] && !args[1].startsWith('--') ? args[1] : 'jsonl';
  process.stdout.write(`${JSON.stringify(await measureExport(args[0], format, args.includes('--with-embeddings')))}\n`);
} else if (command) {
  process.stderr.write(`unknown command ${command}; see the top of src/bench/interop.ts\n`);
  process.exitCode = 1;
}
