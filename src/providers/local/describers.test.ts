import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, describe, test } from 'node:test';
import { GlimpseError } from '../../errors.js';
import { prepareImage } from '../../images/prepare.js';
import { samplePhoto, tinyModelDirectory } from '../../testing/tiny-models.js';
import { getProviderFactory } from '../registry.js';
import type { Description, ImageDescriber, PreparedImage } from '../spec.js';
import { acquireFlorence2, toObjects } from './florence2-describer.js';
import { localSettings, warmModelCount } from './runtime.js';

let modelDir: string;
let florence: ImageDescriber;
let vitGpt2: ImageDescriber;
let photo: PreparedImage;

before(async () => {
  modelDir = tinyModelDirectory();
  // Through the registry, as the pipeline and CLI reach it.
  const factory = await getProviderFactory('local');
  florence = await factory.createDescriber({ model: 'tiny/florence-2', options: { modelDir, threads: 1 } });
  vitGpt2 = await factory.createDescriber({ model: 'tiny/vit-gpt2', options: { modelDir, threads: 1 } });
  photo = (await prepareImage(await readFile(samplePhoto), samplePhoto, { maxSide: florence.preferredImageSize }))
    .image;
});
after(async () => {
  await florence?.close?.();
  await vitGpt2?.close?.();
});

function assertDescriptionShape(description: Description) {
  for (const key of ['caption', 'detailed', 'alt', 'text'] as const) {
    assert.ok(description[key] === null || typeof description[key] === 'string', `${key} is a string or null`);
  }
  assert.ok(Array.isArray(description.tags) && description.tags.every((tag) => typeof tag === 'string'));
  for (const object of description.objects) {
    assert.equal(typeof object.label, 'string');
    assert.ok(
      object.box && [object.box.x, object.box.y, object.box.width, object.box.height].every((v) => v >= 0 && v <= 1),
    );
  }
  assert.equal(description.safety, null);
}

describe('Florence-2 through the provider interface', () => {
  test('reports its tasks and the image size its processor wants', () => {
    assert.equal(florence.provider, 'local');
    assert.equal(florence.modelId, 'tiny/florence-2');
    assert.equal(florence.preferredImageSize, 32); // the tiny model's preprocessor_config.json size
    assert.deepEqual([...florence.capabilities.tasks], ['caption', 'detailed', 'alt', 'tags', 'ocr', 'json']);
  });

  test('describes a real photo: json merges caption, detailed caption, objects and OCR', async () => {
    const description = await florence.describe({ image: photo, task: 'json' });
    assertDescriptionShape(description);
    assert.ok(description.caption && description.caption.length > 0, 'a caption comes back');
    assert.ok(description.detailed && description.detailed.length > 0, 'a detailed caption comes back');
    assert.equal(description.alt, description.caption);
    assert.ok(typeof description.text === 'string' && description.text.length > 0, 'OCR text comes back');
    assert.equal(description.model, 'tiny/florence-2 (fp32)');
  });

  test('single tasks fill only their own fields, deterministically', async () => {
    const caption = await florence.describe({ image: photo, task: 'caption' });
    assert.ok(caption.caption);
    assert.equal(caption.detailed, null);
    assert.equal(caption.text, null);
    assert.equal((await florence.describe({ image: photo, task: 'caption' })).caption, caption.caption);

    const ocr = await florence.describe({ image: photo, task: 'ocr' });
    assert.equal(ocr.caption, null);
    assert.ok(ocr.text);

    // json runs its tasks as one padded batch; the batch must not change what each task says.
    const json = await florence.describe({ image: photo, task: 'json' });
    assert.equal(json.caption, caption.caption);
    assert.equal(json.text, ocr.text);

    const alt = await florence.describe({ image: photo, task: 'alt' });
    assert.equal(alt.alt, caption.caption);
    assert.equal(alt.caption, null);
  });

  test('refuses free prompts and tasks it cannot do', async () => {
    await assert.rejects(florence.describe({ image: photo, task: 'caption', prompt: 'What breed?' }), (e: unknown) =>
      GlimpseError.is(e, 'UNSUPPORTED_TASK'),
    );
    await assert.rejects(florence.describe({ image: photo, task: 'moderation' }), (e: unknown) =>
      GlimpseError.is(e, 'UNSUPPORTED_TASK'),
    );
  });

  test('region captions can stand in for object labels', async () => {
    const factory = await getProviderFactory('local');
    const regions = await factory.createDescriber({
      model: 'tiny/florence-2',
      options: { modelDir, threads: 1, objectsTask: '<DENSE_REGION_CAPTION>' },
    });
    try {
      assert.notEqual(regions.promptVersion, florence.promptVersion, 'another task is another prompt version');
      const description = await regions.describe({ image: photo, task: 'tags' });
      assertDescriptionShape(description);
      assert.equal(description.caption, null);
    } finally {
      await regions.close?.();
    }
  });

  test('<OD> output with <loc_N> tokens becomes labelled, normalised boxes', async () => {
    const { model, release } = await acquireFlorence2(
      localSettings({ options: { modelDir, threads: 1 } }, 'tiny/florence-2'),
    );
    try {
      const parsed = model.processor.post_process_generation(
        '</s><s>cat<loc_100><loc_200><loc_500><loc_900>sofa<loc_0><loc_0><loc_999><loc_999></s>',
        '<OD>',
        [1, 1],
      );
      const objects = toObjects(parsed['<OD>']);
      assert.deepEqual(
        objects.map((object) => object.label),
        ['cat', 'sofa'],
      );
      assert.ok(Math.abs(objects[0]!.box!.x - 0.1005) < 1e-9 && Math.abs(objects[0]!.box!.height - 0.7) < 1e-9);
      assert.ok(Math.abs(objects[1]!.box!.width - 0.999) < 1e-9);
      const regions = model.processor.post_process_generation(
        '</s><s>a grey cat<loc_10><loc_20><loc_300><loc_400></s>',
        '<DENSE_REGION_CAPTION>',
        [1, 1],
      );
      assert.deepEqual(
        toObjects(regions['<DENSE_REGION_CAPTION>']).map((object) => object.label),
        ['a grey cat'],
      );
    } finally {
      await release();
    }
  });
});

describe('vit-gpt2 through the provider interface', () => {
  test('captions a real photo', async () => {
    const description = await vitGpt2.describe({ image: photo, task: 'caption' });
    assertDescriptionShape(description);
    assert.ok(description.caption && description.caption.length > 0);
    assert.equal(description.model, 'tiny/vit-gpt2 (fp32)');
    const json = await vitGpt2.describe({ image: photo, task: 'json' });
    assert.equal(json.caption, description.caption);
    assert.equal(json.alt, description.caption);
  });

  test('concurrent calls take turns on the one model and give the same answers', async () => {
    const alone = (await vitGpt2.describe({ image: photo, task: 'caption' })).caption;
    const together = await Promise.all([1, 2, 3].map(() => vitGpt2.describe({ image: photo, task: 'caption' })));
    assert.deepEqual(
      together.map((description) => description.caption),
      [alone, alone, alone],
    );
  });

  test('refuses tasks it cannot do', async () => {
    await assert.rejects(vitGpt2.describe({ image: photo, task: 'detailed' }), (e: unknown) =>
      GlimpseError.is(e, 'UNSUPPORTED_TASK'),
    );
  });
});

describe('models stay warm', () => {
  test('a second describer of the same model reuses the loaded one; the last close frees it', async () => {
    const before = warmModelCount();
    const factory = await getProviderFactory('local');
    const first = await factory.createDescriber({ model: 'tiny/vit-gpt2', options: { modelDir, threads: 2 } });
    const second = await factory.createDescriber({ model: 'tiny/vit-gpt2', options: { modelDir, threads: 2 } });
    assert.equal(warmModelCount(), before + 1);
    await first.close?.();
    await first.close?.(); // safe to call twice
    assert.equal(warmModelCount(), before + 1);
    assert.ok((await second.describe({ image: photo, task: 'caption' })).caption);
    await second.close?.();
    assert.equal(warmModelCount(), before);
  });
});
