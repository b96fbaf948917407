import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { hashingEmbedder } from '../bench/fake-providers.js';
import { createGlimpse } from '../glimpse.js';
import { createRecordingProvider } from '../testing/recording-provider.js';
import { type CaptionEntry, loadCaptionManifest } from './manifest.js';
import { evaluateSearchOracle, evaluateSearchWithProvider, withTemporaryFolder } from './search.js';

const run = promisify(execFile);
const binary = fileURLToPath(new URL('../../bin/glimpse.js', import.meta.url));
const tinyCoco = fileURLToPath(new URL('../../test-support/fixtures/tiny-coco-captions.json', import.meta.url));
const samples = fileURLToPath(new URL('../../samples/', import.meta.url));

test('oracle: one caption stored per image, the others as queries; a nonsense query is never found', async () => {
  const entries = loadCaptionManifest(tinyCoco);
  const result = await evaluateSearchOracle(entries, { keepMisses: 5 });
  assert.equal(result.images, 5);
  assert.equal(result.n, 10);
  // Nine of ten queries share words with their image's stored caption and with no other; "zxqv plorf" shares none.
  assert.equal(result.metrics['R@10'], 0.9);
  assert.ok(
    result.metrics['R@1'] >= 0.8 && result.metrics['R@1'] <= result.metrics['R@5'] && result.metrics['R@5'] <= 0.9,
  );
  assert.ok(result.metrics.MRR >= result.metrics['R@1'] && result.metrics.MRR <= result.metrics['R@10']);
  const nonsense = result.misses.find((miss) => miss.query === 'zxqv plorf');
  assert.ok(nonsense, 'the unfindable query is listed among the misses');
  assert.equal(nonsense.rank, null);
  assert.equal(nonsense.expected, 'Two giraffes eating leaves from a tall tree.');
  assert.ok(result.latency.medianMs >= 0 && result.latency.p95Ms >= result.latency.medianMs);
});

test('oracle with an embedder stores a vector per caption and fuses vector and full-text ranks', async () => {
  const embedder = hashingEmbedder(64);
  let vectorRanked = 0;
  const result = await evaluateSearchOracle(loadCaptionManifest(tinyCoco), {
    open: async (db) => {
      const glimpse = await createGlimpse({ db, embedder });
      const search = glimpse.search.bind(glimpse);
      // Count results the vectors ranked: they must take part.
      glimpse.search = async (query, options) => {
        const response = await search(query, options);
        vectorRanked += response.results.filter((hit) => hit.why.vectorRank !== null).length;
        return response;
      };
      return glimpse;
    },
  });
  assert.equal(result.model, 'full text + hashing-64');
  assert.equal(result.n, 10);
  assert.ok(vectorRanked > 0);
});

test('oracle with one query per image uses only the second caption', async () => {
  const result = await evaluateSearchOracle(loadCaptionManifest(tinyCoco), { queriesPerImage: 1 });
  assert.equal(result.n, 5);
  assert.equal(result.metrics['R@10'], 1);
});

test('with a provider: images are indexed into the given store and queried with every caption', async () => {
  // The recording provider "describes" each sample image with one of its references, except the coffee.
  const entries: CaptionEntry[] = [
    {
      file: 'chelsea.png',
      path: join(samples, 'chelsea.png'),
      captions: ['a tabby cat face close up', 'whiskers of a striped cat'],
    },
    {
      file: 'horse.png',
      path: join(samples, 'horse.png'),
      captions: ['black horse silhouette', 'a horse drawn in black on white'],
    },
    {
      file: 'coffee.png',
      path: join(samples, 'coffee.png'),
      captions: ['a cup of coffee on a saucer', 'coffee seen from above'],
    },
  ];
  const provider = createRecordingProvider({
    answers: { 'chelsea.png': { caption: 'A striped tabby cat.' }, 'horse.png': { caption: 'A black horse.' } },
    failures: { 'coffee.png': 'CORRUPT_IMAGE' },
  });
  const result = await withTemporaryFolder(async (folder) => {
    const glimpse = await createGlimpse({ db: join(folder, 'eval.db'), provider, embedder: null });
    try {
      return await evaluateSearchWithProvider(glimpse, entries);
    } finally {
      await glimpse.close();
    }
  });
  assert.equal(result.mode, 'provider');
  assert.equal(result.provider, 'recording');
  assert.equal(result.images, 2);
  assert.equal(result.n, 4);
  assert.equal(result.failedImages.length, 1);
  assert.equal(result.failedImages[0].error.code, 'CORRUPT_IMAGE');
  assert.equal(result.metrics['R@1'], 1);
});

test('CLI: glimpse eval search --oracle --json, and an HTML report', async () => {
  const folder = await mkdtemp(join(tmpdir(), 'glimpse-eval-cli-'));
  try {
    const report = join(folder, 'report.html');
    const { stdout } = await run(process.execPath, [
      binary,
      'eval',
      'search',
      '--oracle',
      '--manifest',
      tinyCoco,
      '--json',
      '--report',
      report,
    ]);
    const output = JSON.parse(stdout);
    assert.equal(output.n, 10);
    assert.equal(output.metrics['R@10'], 0.9);
    for (const key of ['R@1', 'R@5', 'R@10', 'MRR']) assert.equal(typeof output.metrics[key], 'number');
    const html = await readFile(report, 'utf8');
    assert.match(html, /<svg[^>]*>.*<rect/s);
    assert.match(html, /zxqv plorf/);
    const table = await run(process.execPath, [
      binary,
      'eval',
      'search',
      '--oracle',
      '--manifest',
      tinyCoco,
      '--limit',
      '2',
    ]);
    assert.match(table.stdout, /R@5/);
    assert.match(table.stdout, /^n\s+4$/m);
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
});

test('CLI: a missing manifest is a usage error with the path', async () => {
  await assert.rejects(
    run(process.execPath, [binary, 'eval', 'search', '--oracle', '--manifest', '/nonexistent/m.jsonl']),
    (error: { code: number; stderr: string }) => {
      assert.equal(error.code, 1);
      assert.match(error.stderr, /\/nonexistent\/m\.jsonl/);
      return true;
    },
  );
});

test('with a provider and no readable image, the evaluation fails instead of reporting zeros', async () => {
  await withTemporaryFolder(async (folder) => {
    const glimpse = await createGlimpse({
      db: join(folder, 'eval.db'),
      provider: createRecordingProvider(),
      embedder: null,
    });
    try {
      await assert.rejects(
        evaluateSearchWithProvider(glimpse, loadCaptionManifest(tinyCoco)),
        /No image could be scored: .*bicycle\.jpg/,
      );
    } finally {
      await glimpse.close();
    }
  });
});
