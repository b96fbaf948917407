import assert from 'node:assert/strict';
import { test } from 'node:test';
import sharp from 'sharp';
import { prepareImage } from '../../images/prepare.js';
import { manifest as anthropic } from '../anthropic/manifest.js';
import { manifest as openai } from '../openai/manifest.js';
import { encodeForUpload, uploadSize } from './image-budget.js';

test('budgets: Claude stays under 1.15 MP and 1568 px, local servers under their side, small images untouched', () => {
  const claude = uploadSize(anthropic.imageBudget!({}), 4000, 3000);
  assert.ok(claude.width * claude.height <= 1_150_000 && Math.max(claude.width, claude.height) <= 1568);
  assert.deepEqual(uploadSize(anthropic.imageBudget!({}), 5000, 500), { width: 1568, height: 156 });
  assert.deepEqual(uploadSize({ maxSide: 1024 }, 600, 2400), { width: 256, height: 1024 });
  assert.deepEqual(uploadSize(openai.imageBudget!({}), 451, 300), { width: 451, height: 300 });
});

test('a transparent image is uploaded as PNG, shrunk to the budget, without metadata', async () => {
  const source = await sharp({
    create: { width: 1200, height: 800, channels: 4, background: { r: 200, g: 50, b: 50, alpha: 0.5 } },
  })
    .withExif({ IFD0: { Make: 'GlimpseTest' } })
    .png()
    .toBuffer();
  const { image } = await prepareImage(source, 'transparent.png', { maxSide: 1200 });
  const upload = await encodeForUpload(image, { maxSide: 600 });
  assert.equal(upload.mediaType, 'image/png');
  const metadata = await sharp(upload.data).metadata();
  assert.deepEqual([metadata.format, metadata.width, metadata.height, metadata.hasAlpha], ['png', 600, 400, true]);
  assert.equal(metadata.exif, undefined);
  assert.equal(upload.data.includes(Buffer.from('GlimpseTest')), false);
});
