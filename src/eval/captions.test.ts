import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { createGlimpse } from '../glimpse.js';
import { createRecordingProvider } from '../testing/recording-provider.js';
import { evaluateCaptions, evaluateHumanBaseline, evaluatePredictions } from './captions.js';
import { formatRuns, toJson } from './format.js';
import type { CaptionEntry } from './manifest.js';
import { scoreCaptions } from './metrics/captions.js';
import { renderReport } from './report.js';

const samples = fileURLToPath(new URL('../../samples/', import.meta.url));
const entries: CaptionEntry[] = [
  {
    file: 'chelsea.png',
    path: join(samples, 'chelsea.png'),
    captions: ['A close up of a tabby cat.', 'The face of a striped cat.'],
  },
  {
    file: 'horse.png',
    path: join(samples, 'horse.png'),
    captions: ['A black horse on a white background.', 'Silhouette of a horse.'],
  },
  {
    file: 'coffee.png',
    path: join(samples, 'coffee.png'),
    captions: ['A cup of coffee on a saucer.', 'Coffee seen from above.'],
  },
];

test('describes each image with the provider, scores the captions, counts tokens and cost', async () => {
  const provider = createRecordingProvider({
    answers: {
      'chelsea.png': {
        caption: 'A close up of a tabby cat.',
        usage: { inputTokens: 100, outputTokens: 10, costUsd: 0.001 },
      },
      'horse.png': { caption: 'A dog in a field.', usage: { inputTokens: 100, outputTokens: 8, costUsd: 0.002 } },
    },
    failures: { 'coffee.png': 'PROVIDER_TIMEOUT' },
  });
  const glimpse = await createGlimpse({ db: ':memory:', provider });
  try {
    const result = await evaluateCaptions(glimpse, entries, { concurrency: 2 });
    assert.equal(result.provider, 'recording');
    assert.equal(result.n, 2);
    assert.deepEqual(
      result.failed.map((failure) => [failure.file, failure.error.code]),
      [['coffee.png', 'PROVIDER_TIMEOUT']],
    );
    assert.deepEqual(result.usage, { inputTokens: 200, outputTokens: 18, costUsd: 0.003 });
    assert.ok(result.latency && result.latency.medianMs >= 0);
    // The scores are the metrics of exactly the captions the provider gave, against all references.
    const expected = scoreCaptions([
      { candidate: 'A close up of a tabby cat.', references: entries[0].captions },
      { candidate: 'A dog in a field.', references: entries[1].captions },
    ]);
    assert.deepEqual(result.metrics, expected.metrics);
    assert.ok(result.items[0].scores['CIDEr-D'] > result.items[1].scores['CIDEr-D']);
    assert.equal(provider.requests.length, 3);
    assert.ok(provider.requests.every((request) => request.task === 'caption'));

    const json = toJson(result);
    assert.equal(json.n, 2);
    assert.equal((json.worst as { file: string }[])[0].file, 'horse.png');
    assert.equal(json.items, undefined);
    const html = await renderReport([result]);
    assert.match(html, /data:image\/jpeg;base64,/);
    assert.match(html, /A dog in a field\./);
  } finally {
    await glimpse.close();
  }
});

test('predictions made elsewhere are scored on the same footing; missing ones are listed', () => {
  const result = evaluatePredictions(entries, ['A tabby cat.', undefined, 'A cup of coffee.'], 'mine.jsonl');
  assert.equal(result.n, 2);
  assert.equal(result.model, 'mine.jsonl');
  assert.deepEqual(
    result.failed.map((failure) => failure.file),
    ['horse.png'],
  );
  const table = formatRuns([result, evaluatePredictions(entries, ['x', 'y', 'z'], 'other.jsonl')]);
  assert.match(table, /mine\.jsonl\s+other\.jsonl/);
  assert.match(table, /^CIDEr-D\s+\d\.\d{3}\s+0\.000$/m);
});

test('nothing to score is an error, not a table of zeros', () => {
  assert.throws(() => evaluatePredictions(entries, [undefined, undefined, undefined]), /No image could be scored/);
});

test('human baseline: the first caption against the others, never against itself', () => {
  const withSingle: CaptionEntry[] = [
    ...entries,
    { file: 'lonely.png', path: '/x/lonely.png', captions: ['Only one caption.'] },
  ];
  const result = evaluateHumanBaseline(withSingle);
  assert.equal(result.n, 3);
  assert.deepEqual(
    result.failed.map((failure) => failure.file),
    ['lonely.png'],
  );
  assert.deepEqual(result.items[0].references, ['The face of a striped cat.']);
  const expected = scoreCaptions(
    entries.map((entry) => ({ candidate: entry.captions[0], references: entry.captions.slice(1) })),
  );
  assert.deepEqual(result.metrics, expected.metrics);
});

test('CLI: eval captions --predictions --human --json prints every metric of both runs', async () => {
  const folder = await mkdtemp(join(tmpdir(), 'glimpse-eval-captions-'));
  try {
    const manifest = join(folder, 'manifest.jsonl');
    const predictions = join(folder, 'predictions.jsonl');
    await writeFile(
      manifest,
      entries.map((entry) => JSON.stringify({ file: entry.file, captions: entry.captions })).join('\n'),
    );
    await writeFile(
      predictions,
      entries.map((entry) => JSON.stringify({ file: entry.file, caption: entry.captions[1] })).join('\n'),
    );
    const binary = fileURLToPath(new URL('../../bin/glimpse.js', import.meta.url));
    const { stdout } = await promisify(execFile)(process.execPath, [
      binary,
      'eval',
      'captions',
      '--manifest',
      manifest,
      '--predictions',
      predictions,
      '--human',
      '--json',
    ]);
    const output = JSON.parse(stdout) as { runs: { metrics: Record<string, number>; n: number }[] };
    assert.equal(output.runs.length, 2);
    for (const run of output.runs) {
      assert.equal(run.n, 3);
      for (const key of ['BLEU-1', 'BLEU-2', 'BLEU-3', 'BLEU-4', 'ROUGE-L', 'CIDEr-D', 'noun precision', 'noun recall'])
        assert.equal(typeof run.metrics[key], 'number', key);
    }
    // Predictions are scored against all references, including the one they copy; the human baseline never is.
    assert.ok(output.runs[1].metrics['BLEU-4'] > output.runs[0].metrics['BLEU-4']);
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
});
