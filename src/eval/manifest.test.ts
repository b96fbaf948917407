import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { GlimpseError } from '../errors.js';
import { loadCaptionManifest, loadOcrManifest, loadPredictions, matchPredictions } from './manifest.js';

const tinyCoco = fileURLToPath(new URL('../../test-support/fixtures/tiny-coco-captions.json', import.meta.url));
let folder: string;

before(async () => {
  folder = await mkdtemp(join(tmpdir(), 'glimpse-manifest-'));
});
after(async () => {
  await rm(folder, { recursive: true, force: true });
});

test('JSON-lines caption manifest: paths relative to the manifest, blank lines skipped', async () => {
  const path = join(folder, 'set', 'manifest.jsonl');
  await mkdir(join(folder, 'set'), { recursive: true });
  await writeFile(
    path,
    '{"file": "images/a.jpg", "captions": ["A cat.", "A kitten."], "extra": 1}\n\n{"file": "/abs/b.jpg", "captions": ["A dog."]}\n',
  );
  const entries = loadCaptionManifest(path);
  assert.deepEqual(entries, [
    { file: 'images/a.jpg', path: join(folder, 'set', 'images', 'a.jpg'), captions: ['A cat.', 'A kitten.'] },
    { file: '/abs/b.jpg', path: '/abs/b.jpg', captions: ['A dog.'] },
  ]);
});

test('COCO captions file: captions grouped per image in annotation order, uncaptioned images skipped', () => {
  const entries = loadCaptionManifest(tinyCoco);
  assert.equal(entries.length, 5);
  assert.equal(entries[0].file, 'bicycle.jpg');
  assert.equal(entries[0].captions.length, 3);
  assert.equal(entries[0].captions[0], 'A red bicycle parked against a brick wall.');
  assert.ok(!entries.some((entry) => entry.file === 'uncaptioned.jpg'));
  assert.equal(loadCaptionManifest(tinyCoco, { imagesDir: '/photos' })[0].path, '/photos/bicycle.jpg');
});

test('bad manifests fail with the file, the line and what to do', async () => {
  const path = join(folder, 'bad.jsonl');
  await writeFile(path, '{"file": "a.jpg", "captions": ["ok"]}\n{"file": "b.jpg", "captions": [}\n');
  assert.throws(
    () => loadCaptionManifest(path),
    (error: unknown) =>
      GlimpseError.is(error, 'USAGE') && error.message.includes(`${path} line 2`) && /JSON/.test(error.message),
  );
  await writeFile(path, '{"file": "a.jpg", "captions": []}\n');
  assert.throws(() => loadCaptionManifest(path), /line 1 needs "captions"/);
  await writeFile(path, '{"captions": ["x"]}\n');
  assert.throws(() => loadCaptionManifest(path), /line 1 has no "file"/);
  await writeFile(path, '\n');
  assert.throws(() => loadCaptionManifest(path), /holds no images/);
  assert.throws(
    () => loadCaptionManifest(join(folder, 'missing.jsonl')),
    (error: unknown) => GlimpseError.is(error, 'FILE_NOT_FOUND'),
  );
});

test('OCR manifest reads text and subset', async () => {
  const path = join(folder, 'ocr.jsonl');
  await writeFile(
    path,
    '{"file": "r/1.jpg", "subset": "sroie_receipt", "text": "TOTAL 12.00"}\n{"file": "s.jpg", "text": ""}\n',
  );
  assert.deepEqual(loadOcrManifest(path), [
    { file: 'r/1.jpg', path: join(folder, 'r', '1.jpg'), text: 'TOTAL 12.00', subset: 'sroie_receipt' },
    { file: 's.jpg', path: join(folder, 's.jpg'), text: '', subset: null },
  ]);
  await writeFile(path, '{"file": "s.jpg"}\n');
  assert.throws(() => loadOcrManifest(path), /line 1 has no "text"/);
});

test('OCR manifest keeps polygons (illegible "###" words left out) and key fields', async () => {
  const path = join(folder, 'ocr-regions.jsonl');
  const words = [
    { text: 'EXIT', polygon: [1, 2, 3, 2, 3, 4, 1, 4], illegible: false },
    { text: '###', polygon: [5, 6, 7, 6, 7, 8, 5, 8], illegible: true },
  ];
  const lines = [{ text: 'TOTAL 1.00', polygon: [0, 0, 9, 0, 9, 2, 0, 2] }];
  await writeFile(
    path,
    `${JSON.stringify({ file: 's.jpg', text: 'EXIT', words })}\n${JSON.stringify({ file: 'r.jpg', text: 'TOTAL 1.00', lines, key_fields: { total: '1.00', date: '01/02/2018' } })}\n`,
  );
  const [sign, receipt] = loadOcrManifest(path);
  assert.deepEqual(sign.regions, [{ text: 'EXIT', polygon: [1, 2, 3, 2, 3, 4, 1, 4] }]);
  assert.equal(sign.keyFields, undefined);
  assert.deepEqual(receipt.regions, lines);
  assert.deepEqual(receipt.keyFields, { total: '1.00', date: '01/02/2018' });
});

test('predictions match by manifest file, by absolute path, or by unambiguous file name', async () => {
  const manifest = join(folder, 'm.jsonl');
  await writeFile(
    manifest,
    ['a.jpg', 'sub/b.jpg', 'c.jpg', 'x/d.jpg', 'y/d.jpg']
      .map((file) => JSON.stringify({ file, captions: ['r'] }))
      .join('\n'),
  );
  const predictionsPath = join(folder, 'predictions.jsonl');
  await writeFile(
    predictionsPath,
    [
      { file: 'a.jpg', caption: 'by file' },
      { file: join(folder, 'sub', 'b.jpg'), caption: 'by path' },
      { file: 'elsewhere/c.jpg', caption: 'by name' },
      { file: 'p/d.jpg', caption: 'ambiguous 1' },
      { file: 'q/d.jpg', caption: 'ambiguous 2' },
    ]
      .map((line) => JSON.stringify(line))
      .join('\n'),
  );
  const entries = loadCaptionManifest(manifest);
  const predictions = loadPredictions(predictionsPath);
  assert.deepEqual(matchPredictions(entries, predictions, predictionsPath), [
    'by file',
    'by path',
    'by name',
    undefined,
    undefined,
  ]);
  await writeFile(predictionsPath, '{"file": "a.jpg"}\n');
  assert.throws(() => loadPredictions(predictionsPath), /line 1 has no "caption"/);
});
