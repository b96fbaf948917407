import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { createGlimpse } from '../glimpse.js';
import { createRecordingProvider } from '../testing/recording-provider.js';
import { formatNotes } from './format.js';
import type { OcrEntry } from './manifest.js';
import { evaluateOcr } from './ocr.js';

const samples = fileURLToPath(new URL('../../samples/', import.meta.url));
const entries: OcrEntry[] = [
  { file: 'page.png', path: join(samples, 'page.png'), text: 'Region based segmentation', subset: 'pages' },
  { file: 'coffee.png', path: join(samples, 'coffee.png'), text: 'TOTAL 12.00', subset: 'receipts' },
];

test('reads text with task "ocr" and scores CER and WER, overall and per subset', async () => {
  const provider = createRecordingProvider({
    answers: { 'page.png': { text: 'Region based segmentatoin' }, 'coffee.png': { text: 'total\n12.00' } },
  });
  const glimpse = await createGlimpse({ db: ':memory:', provider });
  try {
    const sensitive = await evaluateOcr(glimpse, entries);
    assert.ok(provider.requests.every((request) => request.task === 'ocr'));
    // page: "segmentatoin" is 2 character edits of 25, 1 word of 3; receipt: "total" is 5 edits of 11 (case), 1 word of 2.
    assert.equal(sensitive.metrics.CER, (2 + 5) / (25 + 11));
    assert.equal(sensitive.metrics.WER, (1 + 1) / (3 + 2));
    assert.deepEqual(sensitive.subsets.receipts, { CER: 5 / 11, WER: 1 / 2, n: 1 });

    const insensitive = await evaluateOcr(glimpse, entries, { caseInsensitive: true });
    assert.equal(insensitive.metrics.CER, 2 / 36);
    assert.equal(insensitive.subsets.receipts.CER, 0);
    assert.match(formatNotes([insensitive]), /receipts: CER 0\.000/);
  } finally {
    await glimpse.close();
  }
});

test('scores against the reference in reading order when it has polygons; --stored-order keeps the stored order', async () => {
  const receipt: OcrEntry = {
    file: 'coffee.png',
    path: join(samples, 'coffee.png'),
    // Stored as the annotators listed the boxes: the amount before its label.
    text: '12.00\nTOTAL\nCAFE',
    subset: 'receipts',
    regions: [
      { text: '12.00', polygon: [300, 200, 360, 200, 360, 220, 300, 220] },
      { text: 'TOTAL', polygon: [20, 202, 100, 202, 100, 221, 20, 221] },
      { text: 'CAFE', polygon: [20, 20, 90, 20, 90, 40, 20, 40] },
    ],
  };
  const provider = createRecordingProvider({ answers: { 'coffee.png': { text: 'CAFE\nTOTAL 12.00' } } });
  const glimpse = await createGlimpse({ db: ':memory:', provider });
  try {
    const reading = await evaluateOcr(glimpse, [receipt]);
    assert.equal(reading.referenceOrder, 'reading');
    assert.equal(reading.items[0].reference, 'CAFE\nTOTAL 12.00');
    assert.equal(reading.metrics.CER, 0);
    const stored = await evaluateOcr(glimpse, [receipt], { storedOrder: true });
    assert.equal(stored.referenceOrder, 'stored');
    assert.ok(stored.metrics.CER > 0.5, String(stored.metrics.CER));
  } finally {
    await glimpse.close();
  }
});
