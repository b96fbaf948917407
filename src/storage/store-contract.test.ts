/**
 * The store contract, run against both implementations: a SQLite file and a PostgreSQL database of its own on the
 * server at 127.0.0.1:5432 (testing/postgres.ts; a test that cannot reach it fails). Whatever a command does with a
 * store, it may count on what is checked here, whichever engine keeps the library.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { createGlimpse } from '../glimpse.js';
import { temporaryDirectory } from '../testing/fixtures.js';
import { withTestDatabase } from '../testing/postgres.js';
import { openStore } from './open-store.js';
import type { FileFacts, Store } from './store.js';

const engines: { name: string; location: (run: (location: string) => Promise<void>) => Promise<void> }[] = [
  { name: 'SQLite', location: (run) => run(join(temporaryDirectory(), 'contract.db')) },
  { name: 'PostgreSQL', location: (run) => withTestDatabase(run, 'glimpse_contract') },
];

const facts = (path: string, sha256 = 'aa'): FileFacts => ({
  path,
  sha256,
  sizeBytes: 10,
  mtimeMs: 1,
  width: 4,
  height: 3,
  format: 'png',
  exif: { takenAt: '2024-05-01T10:00:00', camera: 'Cam', latitude: 1.5, longitude: 2.5 } as FileFacts['exif'],
});

const description = (caption: string) => ({
  caption,
  detailed: `${caption}, in detail`,
  alt: caption,
  tags: ['one', 'two'],
  objects: [{ label: 'dog', score: 0.9, box: null }],
  text: null,
  safety: null,
  model: 'model-x',
});
const key = { provider: 'fake', requestedModel: 'model-x', promptVersion: 'v1' };

function withStores(run: (open: () => Promise<Store>) => void | Promise<void>) {
  return async (location: string) => {
    const opened: Store[] = [];
    try {
      await run(async () => {
        const store = await openStore(location);
        opened.push(store);
        return store;
      });
    } finally {
      for (const store of opened) store.close();
    }
  };
}

for (const engine of engines) {
  test(`${engine.name}: images by path, id and content; listed by path, iterated in batches; moved and touched`, () =>
    engine.location(
      withStores(async (open) => {
        const store = await open();
        const ids = ['/p/c.png', '/p/a.png', '/q/b.png'].map((path, index) =>
          store.upsertImage(facts(path, index === 2 ? 'bb' : 'aa')),
        );
        assert.equal(store.upsertImage(facts('/p/c.png', 'cc')), ids[0], 'an upsert keeps the id of its path');
        const image = store.imageById(ids[1])!;
        assert.deepEqual(
          { folder: image.folder, fileName: image.fileName, takenAt: image.takenAt, camera: image.camera },
          { folder: '/p', fileName: 'a.png', takenAt: '2024-05-01T10:00:00', camera: 'Cam' },
        );
        assert.equal(store.imageByPath('/q/b.png')?.id, ids[2]);
        assert.deepEqual(
          store.imagesBySha('aa').map((i) => i.path),
          ['/p/a.png'],
        );
        assert.deepEqual(
          store.allImages().map((i) => i.path),
          ['/p/a.png', '/p/c.png', '/q/b.png'],
        );
        assert.deepEqual(
          [...store.iterateImages(2)].map((i) => i.id),
          [...ids].sort((a, b) => a - b),
        );
        store.moveImage(ids[2], '/r/moved.png');
        assert.equal(store.imageById(ids[2])?.folder, '/r');
        assert.equal(store.imageByPath('/q/b.png'), undefined);
        store.touchImage(ids[2]);
      }),
    ));

  test(`${engine.name}: descriptions by content hash and key; a person's edits kept apart and never overwritten`, () =>
    engine.location(
      withStores(async (open) => {
        const store = await open();
        store.saveDescription('aa', description('a dog'), key, 12.4);
        assert.equal(store.isDescribed('aa', key), true);
        assert.equal(store.isDescribed('aa', { ...key, promptVersion: 'v2' }), false);
        const stored = store.description('aa')!;
        assert.deepEqual(
          [stored.caption, stored.tags, stored.objects[0].label, stored.ms],
          ['a dog', ['one', 'two'], 'dog', 12],
        );
        store.saveUserEdits('aa', { caption: 'my dog' });
        store.saveUserEdits('aa', { tags: ['rex'] }, 'embedded metadata');
        store.saveDescription('aa', description('a cat'), key, 1);
        const edits = store.userEdits('aa')!;
        assert.deepEqual([edits.caption, edits.tags, edits.source], ['my dog', ['rex'], 'embedded metadata']);
        assert.equal(store.description('aa')?.caption, 'a cat');
        store.saveUserEdits('aa', { caption: null, tags: null });
        assert.equal(store.userEdits('aa'), undefined, 'cleared edits are no edits');
        store.saveThumbnail('aa', Buffer.from([0, 1, 2, 255]));
        assert.equal(store.hasThumbnail('aa'), true);
        assert.deepEqual([...store.thumbnail('aa')!], [0, 1, 2, 255]);
        assert.ok(Buffer.isBuffer(store.thumbnail('aa')));
      }),
    ));

  test(`${engine.name}: failures with codes, runs, counts and providers`, () =>
    engine.location(
      withStores(async (open) => {
        const store = await open();
        const run = store.startRun('fake', 'model-x');
        store.recordFailure('/p/bad.png', 'CORRUPT_IMAGE', 'truncated', run);
        store.recordFailure('/p/bad.png', 'NOT_AN_IMAGE', 'not an image', run);
        store.recordFailure('/p/worse.png', 'EMPTY_FILE', 'empty', null);
        assert.deepEqual(
          store
            .failures()
            .map((f) => [f.path, f.code])
            .sort(),
          [
            ['/p/bad.png', 'NOT_AN_IMAGE'],
            ['/p/worse.png', 'EMPTY_FILE'],
          ],
        );
        store.clearFailure('/p/worse.png');
        const id = store.upsertImage(facts('/p/a.png'));
        store.upsertImage(facts('/p/b.png', 'bb'));
        store.saveDescription('aa', description('a dog'), key, 5);
        store.finishRun(run, { indexed: 1, unchanged: 0, failed: 1 });
        assert.deepEqual({ ...store.counts() }, { images: 2, described: 1, failed: 1 });
        assert.deepEqual(
          store.providersUsed().map((p) => ({ ...p })),
          [{ provider: 'fake', model: 'model-x', promptVersion: 'v1', images: 1 }],
        );
        assert.deepEqual(store.interruptedRuns(), []);
        // A run whose lease ran out (its process stopped renewing it) is an interrupted run.
        const open2 = store.startRun('fake', 'model-x');
        store.renewLeases(-1000);
        assert.deepEqual(
          store.interruptedRuns().map((r) => r.id),
          [open2],
        );
        assert.ok(id > 0);
      }),
    ));

  test(`${engine.name}: claims are held by one store at a time, until released or expired`, () =>
    engine.location(
      withStores(async (open) => {
        const first = await open();
        const second = await open();
        assert.equal(first.claim('aa', 60_000), true);
        assert.equal(first.claim('aa', 60_000), true, 'already ours');
        assert.equal(second.claim('aa', 60_000), false, 'another live holder');
        first.releaseClaim('aa');
        // PostgreSQL sends a release without waiting for it (it runs before the store's next statement): another
        // process may see the claim a moment longer, so the test lets the release land before the other asks.
        first.imageByPath('/p/none.png');
        assert.equal(second.claim('aa', 60_000), true);
        second.renewLeases(-1);
        assert.equal(first.claim('aa', 60_000), true, 'an expired lease is taken over');
      }),
    ));

  test(`${engine.name}: a transaction commits all of its writes or none, and nests`, () =>
    engine.location(
      withStores(async (open) => {
        const store = await open();
        assert.throws(() =>
          store.transaction(() => {
            store.upsertImage(facts('/p/a.png'));
            throw new Error('stop');
          }),
        );
        assert.equal(store.imageByPath('/p/a.png'), undefined);
        const id = store.transaction(() => {
          const kept = store.upsertImage(facts('/p/b.png'));
          assert.throws(() =>
            store.transaction(() => {
              store.upsertImage(facts('/p/c.png'));
              throw new Error('inner');
            }),
          );
          return kept;
        });
        assert.equal(store.imageById(id)?.path, '/p/b.png');
        assert.equal(store.imageByPath('/p/c.png'), undefined, 'the inner transaction rolled back alone');
        assert.equal((await open()).imageById(id)?.path, '/p/b.png', 'committed: another connection sees it');
      }),
    ));

  test(`${engine.name}: forgetting an image removes its rows and, once no file has it, its content`, () =>
    engine.location(
      withStores(async (open) => {
        const store = await open();
        const first = store.upsertImage(facts('/a/one.png', 'ab'));
        const copy = store.upsertImage(facts('/b/two.png', 'ab'));
        store.saveThumbnail('ab', Buffer.from('webp'));
        store.saveUserEdits('ab', { caption: 'mine' });
        store.saveSearchDocument(first, { caption: 'mine', tags: '', detailed: '', text: '', concepts: '', path: 'a' });
        store.deleteImage(first);
        assert.equal(store.imageById(first), undefined);
        assert.equal(store.userEdits('ab')?.caption, 'mine', 'another file still has the content');
        store.deleteImage(copy);
        assert.equal(store.userEdits('ab'), undefined);
        assert.equal(store.hasThumbnail('ab'), false);
      }),
    ));
}

test('search finds the same images with the same scores on SQLite and on PostgreSQL', async () => {
  const items = [
    { path: '/lib/beach/dog.jpg', caption: 'A brown dog running on a sandy beach', tags: ['dog', 'beach'] },
    { path: '/lib/beach/dogs.jpg', caption: 'Two black dogs playing in the waves', tags: ['dog', 'sea'] },
    { path: '/lib/city/car.jpg', caption: 'A red car parked on a city street', tags: ['car', 'street'] },
    { path: '/lib/city/bus.jpg', caption: 'A yellow bus driving past tall buildings', tags: ['bus'] },
    { path: '/lib/home/cat.jpg', caption: 'A kitten sleeping on a sofa next to a puppy', tags: ['cat', 'sofa'] },
    { path: '/lib/home/cake.jpg', caption: 'A birthday cake with candles on a table', tags: ['cake'] },
  ];
  const queries = ['dog', 'puppy on the beach', 'red car', '"sandy beach"', 'dog -waves', 'animal', 'vehicle', 'cake'];
  const run = async (db: string) => {
    const glimpse = await createGlimpse({ db, embedder: null });
    try {
      await glimpse.importDescriptions(items, { source: 'test' });
      const answers = [];
      for (const query of queries) {
        const response = await glimpse.search(query);
        answers.push(response.results.map((r) => [r.path, r.score, r.why.fields.join(',')]));
      }
      // Newest first: images imported in the same millisecond tie, so the folder's images are compared as a set.
      answers.push((await glimpse.search('', { folder: '/lib/city' })).results.map((r) => [r.path]).sort());
      answers.push((await glimpse.search('dog', { tags: ['sea'] })).results.map((r) => [r.path]));
      return answers;
    } finally {
      await glimpse.close();
    }
  };
  const onSqlite = await run(join(temporaryDirectory(), 'parity.db'));
  const onPostgres = await withTestDatabase(run, 'glimpse_parity');
  assert.ok(onSqlite[0].length >= 2, 'the query finds the dogs');
  assert.deepEqual(onPostgres, onSqlite);
});
