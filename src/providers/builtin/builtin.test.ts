/**
 * The built-in analyzer with its real models on real photos from samples/ (one worker thread, models loaded once).
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { GlimpseError } from '../../errors.js';
import { prepareImage } from '../../images/prepare.js';
import type { PreparedImage } from '../spec.js';
import { BuiltinDescriber, factory } from './index.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const describer = new BuiltinDescriber(1);

async function sample(path: string): Promise<PreparedImage> {
  const file = `${root}${path}`;
  return (await prepareImage(await readFile(file), file, { maxSide: describer.preferredImageSize })).image;
}

describe('builtin provider with real models', () => {
  let images: Record<string, PreparedImage>;

  before(async () => {
    images = {
      cat: await sample('samples/chelsea.png'),
      coffee: await sample('samples/coffee.png'),
      page: await sample('samples/page.png'),
      astronaut: await sample('samples/astronaut.png'),
    };
  });

  after(() => describer.close());

  it('is registered as "builtin" and reports itself ready', async () => {
    assert.equal(factory.name, 'builtin');
    const created = await factory.createDescriber({});
    assert.equal(created.provider, 'builtin');
    assert.ok(created.preferredImageSize >= 512);
    assert.match(created.promptVersion, /^builtin-\d+$/);
    assert.deepEqual(await factory.readiness?.({}), {
      ready: true,
      detail: 'Bundled models present (CenterNet, nsfwjs, PaddleOCR PP-OCRv4).',
    });
    await created.close?.();
  });

  it('tags the cat photo as a cat or an animal', async () => {
    const description = await describer.describe({ image: images.cat, task: 'json' });
    assert.ok(
      description.tags.includes('cat') || description.tags.includes('animal'),
      `tags: ${description.tags.join(', ')}`,
    );
    assert.ok(description.caption && description.caption.length > 5);
    assert.equal(description.safety?.flagged, false);
    assert.equal(description.model, 'builtin-1');
  });

  it('finds the cup in the coffee photo', async () => {
    const description = await describer.describe({ image: images.coffee, task: 'json' });
    assert.ok(
      description.objects.some((object) => object.label === 'cup'),
      JSON.stringify(description.objects),
    );
    for (const object of description.objects) {
      assert.ok(
        object.box &&
          object.box.x >= 0 &&
          object.box.y >= 0 &&
          object.box.x + object.box.width <= 1.0001 &&
          object.box.y + object.box.height <= 1.0001,
      );
    }
    assert.match(description.caption ?? '', /cup/);
    const answer = await describer.ask({ image: images.coffee, question: 'Is there a cup?' });
    assert.equal(answer.answered, true);
    assert.match(answer.answer, /^Yes/);
  });

  it('reads the words of the page, and the ocr task fills text only', async () => {
    const description = await describer.describe({ image: images.page, task: 'ocr' });
    assert.match(description.text ?? '', /segmentation/i);
    assert.match(description.text ?? '', /markers/i);
    assert.equal(description.caption, null);
    const answer = await describer.ask({ image: images.page, question: 'What does the text say?' });
    assert.match(answer.answer, /segmentation/i);
  });

  it('reads large light-on-dark sign text', async () => {
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="800" height="300"><rect width="800" height="300" fill="#123"/>
      <text x="40" y="110" font-size="48" font-family="DejaVu Sans, sans-serif" fill="white">PLATFORM 4 TRAINS</text>
      <text x="40" y="190" font-size="48" font-family="DejaVu Sans, sans-serif" fill="white">NO EXIT THIS WAY</text></svg>`;
    const png = await sharp(Buffer.from(svg)).png().toBuffer();
    const { image } = await prepareImage(png, 'sign.png', { maxSide: describer.preferredImageSize });
    const description = await describer.describe({ image, task: 'ocr' });
    assert.match(description.text ?? '', /PLATFORM/);
    assert.match(description.text ?? '', /EXIT/);
  });

  it('sees a person in the astronaut portrait, and reads no junk text from it', async () => {
    const description = await describer.describe({ image: images.astronaut, task: 'alt' });
    assert.ok(description.objects.some((object) => object.label === 'person'));
    assert.match(description.alt ?? '', /person/i);
    assert.ok((description.alt ?? '').length <= 125);
    assert.equal(description.text, null);
    const refused = await describer.ask({ image: images.astronaut, question: 'What is her name?' });
    assert.equal(refused.answered, false);
    assert.match(refused.answer, /openai/);
  });

  it('gives clear errors for corrupt input', async () => {
    const truncated = `${root}test-support/fixtures/truncated.jpg`;
    await assert.rejects(
      async () =>
        describer.describe({
          image: (await prepareImage(await readFile(truncated), truncated, { maxSide: 1280 })).image,
          task: 'json',
        }),
      (error: unknown) => GlimpseError.is(error, 'CORRUPT_IMAGE') && error.message.includes('truncated.jpg'),
    );
    const empty: PreparedImage = {
      ...images.cat,
      source: 'broken.png',
      pixels: async () => ({ data: Buffer.alloc(0), width: 0, height: 0, channels: 3 as const }),
    };
    await assert.rejects(
      describer.describe({ image: empty, task: 'caption' }),
      (error: unknown) => GlimpseError.is(error, 'CORRUPT_IMAGE') && error.message.includes('broken.png'),
    );
  });
});
