import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import type { CaptionPair } from './bleu.js';
import { scoreCaptions } from './captions.js';
import { ciderD } from './cider.js';

const words = (text: string) => text.split(' ');
const close = (actual: number, expected: number) =>
  assert.ok(Math.abs(actual - expected) < 1e-9, `${actual} ≠ ${expected}`);

test('two images by hand: averaging over orders 1..4 and ×10', () => {
  const result = ciderD([
    { candidate: words('a b'), references: [words('a b')] },
    { candidate: words('c'), references: [words('d')] },
  ]);
  // Image 1 matches perfectly in orders 1 and 2 and has no 3- or 4-grams: (1 + 1 + 0 + 0) / 4 × 10.
  close(result.perImage[0], 5);
  close(result.perImage[1], 0);
  close(result.score, 2.5);
});

test('two images by hand: candidate counts clipped by reference counts, Gaussian length penalty', () => {
  const result = ciderD([
    { candidate: words('a a b'), references: [words('a b')] },
    { candidate: words('c'), references: [words('c')] },
  ]);
  const idf = Math.log(2); // every n-gram occurs in the references of one image out of two
  // Unigrams: candidate (a: 2·idf, b: idf), reference (a: idf, b: idf); clipping makes a contribute min(2, 1).
  const unigram = (1 * idf * idf + 1 * idf * idf) / (Math.sqrt(5) * idf * Math.sqrt(2) * idf);
  // Bigrams: candidate ("a a", "a b"), reference ("a b").
  const bigram = (idf * idf) / (Math.sqrt(2) * idf * idf);
  // Lengths in bigrams (as pycocoevalcap counts them): 2 against 1.
  const penalty = Math.exp(-1 / (2 * 36));
  close(result.perImage[0], ((unigram + bigram) * penalty * 10) / 4);
  close(result.perImage[1], 10 / 4);
});

test("an n-gram in every image's references carries no weight (idf 0)", () => {
  const result = ciderD([
    { candidate: words('the'), references: [words('the cat')] },
    { candidate: words('the'), references: [words('the dog')] },
  ]);
  assert.deepEqual(result.perImage, [0, 0]);
});

/** A plain transcription of pycocoevalcap's cider_scorer.py, to compare with on varied input. */
function referenceCider(pairs: CaptionPair[], n = 4, sigma = 6): number[] {
  const precook = (tokens: readonly string[]) => {
    const counts: Record<string, number> = {};
    for (let k = 1; k <= n; k++)
      for (let i = 0; i + k <= tokens.length; i++) {
        const key = JSON.stringify(tokens.slice(i, i + k));
        counts[key] = (counts[key] ?? 0) + 1;
      }
    return counts;
  };
  const crefs = pairs.map((pair) => pair.references.map(precook));
  const ctest = pairs.map((pair) => precook(pair.candidate));
  const df: Record<string, number> = {};
  for (const refs of crefs)
    for (const key of new Set(refs.flatMap((ref) => Object.keys(ref)))) df[key] = (df[key] ?? 0) + 1;
  const refLen = Math.log(crefs.length);
  const counts2vec = (counts: Record<string, number>) => {
    const vec: Record<string, number>[] = Array.from({ length: n }, () => ({}));
    const norm = new Array(n).fill(0);
    let length = 0;
    for (const [key, tf] of Object.entries(counts)) {
      const order = JSON.parse(key).length - 1;
      vec[order][key] = tf * (refLen - Math.log(Math.max(1, df[key] ?? 0)));
      norm[order] += vec[order][key] ** 2;
      if (order === 1) length += tf;
    }
    return { vec, norm: norm.map(Math.sqrt), length };
  };
  return ctest.map((test, index) => {
    const hyp = counts2vec(test);
    let total = 0;
    for (const ref of crefs[index]) {
      const r = counts2vec(ref);
      const delta = hyp.length - r.length;
      for (let k = 0; k < n; k++) {
        let val = 0;
        for (const [key, weight] of Object.entries(hyp.vec[k]))
          val += Math.min(weight, r.vec[k][key] ?? 0) * (r.vec[k][key] ?? 0);
        if (hyp.norm[k] !== 0 && r.norm[k] !== 0) val /= hyp.norm[k] * r.norm[k];
        total += (val * Math.E ** (-(delta ** 2) / (2 * sigma ** 2))) / n;
      }
    }
    return (total / crefs[index].length) * 10;
  });
}

test('matches a transcription of pycocoevalcap on varied captions', () => {
  const vocabulary = ['a', 'dog', 'cat', 'on', 'the', 'grass', 'sits', 'red', 'ball', 'with', 'man', 'street'];
  let seed = 7;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  const sentence = () =>
    Array.from({ length: 1 + Math.floor(random() * 12) }, () => vocabulary[Math.floor(random() * vocabulary.length)]);
  const pairs = Array.from({ length: 25 }, () => ({
    candidate: sentence(),
    references: Array.from({ length: 1 + Math.floor(random() * 5) }, sentence),
  }));
  const expected = referenceCider(pairs);
  const actual = ciderD(pairs).perImage;
  expected.forEach((value, index) => close(actual[index], value));
  assert.ok(
    expected.some((value) => value > 0.5),
    'the example should have real overlaps',
  );
});

const cocoDev = new URL('../../../../shared/data/coco-dev/manifest.jsonl', import.meta.url);
test('human captions score near the published human CIDEr-D on coco-dev', {
  skip: !existsSync(cocoDev) && 'no ../shared/data',
}, () => {
  const lines = readFileSync(cocoDev, 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as { captions: string[] });
  const scores = scoreCaptions(
    lines.map((line) => ({ candidate: line.captions[0], references: line.captions.slice(1) })),
  ).metrics;
  assert.ok(scores['CIDEr-D'] > 0.8 && scores['CIDEr-D'] < 1.0, `CIDEr-D ${scores['CIDEr-D']}`);
  assert.ok(scores['BLEU-4'] > 0.15 && scores['BLEU-4'] < 0.3, `BLEU-4 ${scores['BLEU-4']}`);
});
