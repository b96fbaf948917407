import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { createGlimpse, type Glimpse } from '../glimpse.js';
import { temporaryDirectory } from '../testing/fixtures.js';
import { withTestDatabase } from '../testing/postgres.js';
import { migrateLibrary } from './migrate.js';
import { glimpseParts } from './parts.js';

/** What a person sees of a library: every image as `show` gives it (no times), and a few searches. */
async function snapshot(glimpse: Glimpse) {
  const parts = glimpseParts(glimpse);
  const images = parts.store.allImages().map((image) => {
    const shown = glimpse.show(image.id);
    return {
      id: shown.id,
      path: shown.path,
      sha256: shown.sha256,
      caption: shown.caption,
      tags: shown.tags,
      generated: shown.description?.caption,
      provider: shown.description?.provider,
      edits: shown.userEdits && {
        caption: shown.userEdits.caption,
        tags: shown.userEdits.tags,
        source: shown.userEdits.source,
      },
      addedAt: shown.addedAt,
    };
  });
  const searches = [];
  for (const query of ['dog', 'red car', 'my own', 'animal'])
    searches.push((await glimpse.search(query)).results.map((result) => [result.id, result.score]));
  const status = glimpse.status();
  return { images, searches, failed: status.failed, described: status.described };
}

test('migrate copies a SQLite library to PostgreSQL and back without describing anything again', async () => {
  const folder = temporaryDirectory();
  const source = join(folder, 'library.db');
  const glimpse = await createGlimpse({ db: source, embedder: null });
  await glimpse.importDescriptions(
    [
      { path: '/photos/dog.jpg', caption: 'A brown dog on a beach', tags: ['dog'] },
      { path: '/photos/car.jpg', caption: 'A red car in the street', tags: ['car'] },
      { path: '/photos/cat.jpg', caption: 'A cat asleep on a sofa', tags: ['cat'], detailed: 'Grey fur.' },
    ],
    { source: 'human' },
  );
  glimpse.edit('/photos/cat.jpg', { caption: 'my own cat, Tom', tags: ['tom'] });
  glimpseParts(glimpse).store.recordFailure('/photos/broken.jpg', 'CORRUPT_IMAGE', 'truncated', null);
  const before = await snapshot(glimpse);
  await glimpse.close();

  await withTestDatabase(async (url) => {
    const there = await migrateLibrary(source, url);
    assert.deepEqual(
      [there.images, there.descriptions, there.userEdits, there.failures, there.searchRows],
      [3, 3, 1, 1, 3],
    );
    const onPostgres = await createGlimpse({ db: url, embedder: null });
    try {
      assert.deepEqual(await snapshot(onPostgres), before);
      // New images after the copied ones get new ids.
      const [id] = await onPostgres.importDescriptions([{ path: '/photos/new.jpg', caption: 'A new one' }]);
      assert.ok(id > Math.max(...before.images.map((image) => image.id)));
      glimpseParts(onPostgres).store.deleteImage(id);
    } finally {
      await onPostgres.close();
    }
    await assert.rejects(migrateLibrary(source, url), /already holds 3 images/, 'only into an empty database');

    const back = join(folder, 'back.db');
    await migrateLibrary(url, back);
    const onSqlite = await createGlimpse({ db: back, embedder: null });
    try {
      assert.deepEqual(await snapshot(onSqlite), before);
    } finally {
      await onSqlite.close();
    }
  }, 'glimpse_migrate');
});
