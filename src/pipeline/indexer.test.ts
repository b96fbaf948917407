import assert from 'node:assert/strict';
import {
  chmodSync,
  copyFileSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:http';
import { basename, join } from 'node:path';
import { after, describe, test } from 'node:test';
import { createGlimpse } from '../glimpse.js';
import { fixturesDir, sample, temporaryDirectory, writePngBomb } from '../testing/fixtures.js';
import { createRecordingProvider } from '../testing/recording-provider.js';

const CAT = { caption: 'A tabby cat looking at the camera', tags: ['cat', 'animal'] };
const CUP = { caption: 'A cup of coffee on a saucer', tags: ['cup', 'coffee'] };

function library(files: string[] = ['chelsea.png', 'coffee.png', 'rocket.jpg']): string {
  const dir = join(temporaryDirectory(), 'photos');
  mkdirSync(dir, { recursive: true });
  for (const file of files) copyFileSync(sample(file), join(dir, file));
  return dir;
}

describe('index', () => {
  test('describes new images once, then leaves unchanged ones alone', async () => {
    const dir = library();
    const provider = createRecordingProvider({ answers: { 'chelsea.png': CAT, 'coffee.png': CUP } });
    const g = await createGlimpse({ db: join(dir, '..', 'g.db'), provider });
    const first = await g.index([dir]);
    assert.deepEqual([first.indexed, first.unchanged, first.failed], [3, 0, 0]);
    assert.equal(provider.requests.length, 3);
    assert.ok(provider.requests.every((request) => request.task === 'json'));
    const second = await g.index([dir]);
    assert.deepEqual([second.indexed, second.unchanged, second.failed], [0, 3, 0]);
    assert.equal(provider.requests.length, 3, 'nothing described twice');
    const status = g.status();
    assert.equal(status.images, 3);
    assert.equal(status.described, 3);
    assert.equal((await g.search('cat')).results[0].path, join(dir, 'chelsea.png'));
    await g.close();
  });

  test('re-describes when the content, the model or the prompt version changes', async () => {
    const dir = library(['chelsea.png', 'coffee.png']);
    const db = join(dir, '..', 'g.db');
    const first = createRecordingProvider({ modelId: 'm1', promptVersion: 'v1' });
    let g = await createGlimpse({ db, provider: first });
    await g.index([dir]);
    await g.close();

    const newPrompt = createRecordingProvider({ modelId: 'm1', promptVersion: 'v2' });
    g = await createGlimpse({ db, provider: newPrompt });
    assert.equal((await g.index([dir])).indexed, 2);
    await g.close();

    const newModel = createRecordingProvider({ modelId: 'm2', promptVersion: 'v2' });
    g = await createGlimpse({ db, provider: newModel });
    assert.equal((await g.index([dir])).indexed, 2);
    // New content under an old name.
    copyFileSync(sample('rocket.jpg'), join(dir, 'coffee.png'));
    const changed = await g.index([dir]);
    assert.deepEqual([changed.indexed, changed.unchanged], [1, 1]);
    assert.equal(newModel.requests.at(-1)?.image.source, join(dir, 'coffee.png'));
    await g.close();
  });

  test('a moved or renamed file keeps its description and is not described again', async () => {
    const dir = library(['chelsea.png', 'coffee.png']);
    const provider = createRecordingProvider({ answers: { 'chelsea.png': CAT } });
    const g = await createGlimpse({ db: join(dir, '..', 'g.db'), provider });
    await g.index([dir]);
    mkdirSync(join(dir, 'pets'));
    renameSync(join(dir, 'chelsea.png'), join(dir, 'pets', 'my cat.png'));
    const summary = await g.index([dir], { prune: true });
    assert.equal(provider.requests.length, 2, 'the moved file was not described again');
    assert.deepEqual([summary.indexed, summary.unchanged, summary.pruned], [0, 2, 0]);
    const moved = g.show(join(dir, 'pets', 'my cat.png'));
    assert.equal(moved.caption, CAT.caption);
    assert.equal(g.status().images, 2);
    assert.equal((await g.search('tabby')).results[0].path, join(dir, 'pets', 'my cat.png'));
    await g.close();
  });

  test('--prune forgets files that are gone; without it they stay', async () => {
    const dir = library();
    const g = await createGlimpse({ db: join(dir, '..', 'g.db'), provider: createRecordingProvider() });
    await g.index([dir]);
    rmSync(join(dir, 'rocket.jpg'));
    await g.index([dir]);
    assert.equal(g.status().images, 3);
    const pruned = await g.index([dir], { prune: true });
    assert.equal(pruned.pruned, 1);
    assert.equal(g.status().images, 2);
    assert.equal((await g.search('rocket')).results.length, 0);
    await g.close();
  });

  test("a person's caption and tags survive re-indexing with --force", async () => {
    const dir = library(['chelsea.png']);
    const provider = createRecordingProvider({ answers: { 'chelsea.png': CAT } });
    const g = await createGlimpse({ db: join(dir, '..', 'g.db'), provider });
    await g.index([dir]);
    g.edit(join(dir, 'chelsea.png'), { caption: 'Chelsea, our neighbour’s cat', tags: ['chelsea', 'neighbour'] });
    await g.index([dir], { force: true });
    assert.equal(provider.requests.length, 2);
    const details = g.show(join(dir, 'chelsea.png'));
    assert.equal(details.caption, 'Chelsea, our neighbour’s cat');
    assert.deepEqual(details.tags, ['chelsea', 'neighbour']);
    assert.equal(details.description?.caption, CAT.caption, 'the generated caption is kept alongside');
    assert.equal((await g.search('neighbour')).results[0]?.path, join(dir, 'chelsea.png'));
    await g.close();
  });

  test('concurrency is bounded and every image is committed as it finishes', async () => {
    const dir = library(['chelsea.png', 'coffee.png', 'rocket.jpg', 'astronaut.png', 'china.jpg', 'flower.jpg']);
    // After the first call (which goes alone), each call waits until two have run at once, so a loaded machine that
    // decodes slower than a fixed latency cannot hide a second slot; if none ever opens, the calls give up after 10 s.
    const provider: ReturnType<typeof createRecordingProvider> = createRecordingProvider({
      respond: async (request) => {
        const started = Date.now();
        while (provider.requests.length > 1 && provider.inFlight.max < 2 && Date.now() - started < 10_000) {
          await new Promise((resolve) => setTimeout(resolve, 5));
        }
        return { caption: `An image called ${basename(request.image.source)}.` };
      },
    });
    const g = await createGlimpse({ db: join(dir, '..', 'g.db'), provider });
    const seen: number[] = [];
    await g.index([dir], {
      concurrency: 2,
      onProgress: (event) => {
        // When an image is reported done, its row is already in the database.
        if (event.type === 'image') seen.push(g.status().described);
      },
    });
    assert.equal(provider.inFlight.max, 2);
    // Images that finish together are committed together (group commit): an image reported done is in the
    // database, and so at most are the others in flight (four at concurrency 2), not all of the run's.
    assert.equal(seen.length, 6);
    seen.forEach((described, index) => {
      assert.ok(described >= index + 1 && described < index + 1 + 4, `event ${index + 1} saw ${described}: ${seen}`);
    });
    await g.close();
  });

  for (const concurrency of [1, 4]) {
    test(`a bad API key stops the run instead of failing every image (concurrency ${concurrency})`, async () => {
      const dir = library();
      const provider = createRecordingProvider({
        failures: { 'chelsea.png': 'PROVIDER_AUTH', 'coffee.png': 'PROVIDER_AUTH', 'rocket.jpg': 'PROVIDER_AUTH' },
      });
      const g = await createGlimpse({ db: join(dir, '..', 'g.db'), provider, concurrency });
      await assert.rejects(g.index([dir]), (error: Error & { code?: string }) => error.code === 'PROVIDER_AUTH');
      // The others were read and decoded while the first was asked, but never sent.
      assert.equal(provider.requests.length, 1, 'stopped after the first refusal');
      assert.equal(g.status().failed.length, 1, 'only the image asked about failed');
      await g.close();
    });
  }
});

describe('bad input: each failure names the file, has a stable code, is stored, and the run goes on', () => {
  const dir = join(temporaryDirectory(), 'bad input');
  mkdirSync(dir, { recursive: true });
  const good = join(dir, 'good cat — ünïcödé.png');
  copyFileSync(sample('chelsea.png'), good);
  writeFileSync(join(dir, 'not-an-image.jpg'), 'this is a text file with an image extension\n');
  writeFileSync(join(dir, 'empty.png'), '');
  copyFileSync(join(fixturesDir, 'truncated.jpg'), join(dir, 'truncated.jpg'));
  symlinkSync(join(dir, 'does-not-exist.jpg'), join(dir, 'broken-link.jpg'));
  symlinkSync(join(dir, 'loop-b.jpg'), join(dir, 'loop-a.jpg'));
  symlinkSync(join(dir, 'loop-a.jpg'), join(dir, 'loop-b.jpg'));
  const unreadable = join(dir, 'unreadable.png');
  copyFileSync(sample('coffee.png'), unreadable);
  chmodSync(unreadable, 0o000);
  after(() => chmodSync(unreadable, 0o644));

  const expected: Record<string, string> = {
    'not-an-image.jpg': 'NOT_AN_IMAGE',
    'empty.png': 'EMPTY_FILE',
    'truncated.jpg': 'CORRUPT_IMAGE',
    'broken-link.jpg': 'BROKEN_SYMLINK',
    'loop-a.jpg': 'SYMLINK_LOOP',
    'loop-b.jpg': 'SYMLINK_LOOP',
  };
  // root reads any file whatever its mode; the permission case can only be checked as another user.
  if (process.getuid?.() !== 0) expected['unreadable.png'] = 'PERMISSION_DENIED';

  test('a folder with every kind of bad file', async () => {
    const provider = createRecordingProvider({ answers: { [good.split('/').pop()!]: CAT } });
    const g = await createGlimpse({ db: join(dir, '..', 'g.db'), provider });
    const summary = await g.index([dir]);
    const codes = Object.fromEntries(
      summary.failures.map((failure) => [failure.path.split('/').pop(), failure.error.code]),
    );
    for (const [file, code] of Object.entries(expected)) {
      assert.equal(codes[file], code, `${file} should fail with ${code}`);
      const failure = summary.failures.find((f) => f.path.endsWith(file))!;
      assert.ok(failure.error.message.includes(file), `the message names ${file}: ${failure.error.message}`);
      assert.ok(failure.error.message.includes(' — '), 'the message says what to do');
    }
    assert.equal(summary.failed, Object.keys(expected).length);
    assert.ok(summary.indexed >= 1, 'the good file (spaces and non-ASCII in its name) was indexed');
    assert.equal(g.show(good).caption, CAT.caption);
    const stored = g
      .status()
      .failed.map((failure) => failure.code)
      .sort();
    assert.deepEqual(stored, Object.values(expected).sort());
    await g.close();
  });

  test('a decompression bomb is refused before decoding; the limit is configurable', async () => {
    const folder = temporaryDirectory();
    const bomb = join(folder, 'bomb.png');
    writePngBomb(bomb, 30000, 30000);
    const g = await createGlimpse({ db: ':memory:', provider: createRecordingProvider() });
    const summary = await g.index([bomb]);
    assert.equal(summary.failures[0]?.error.code, 'IMAGE_TOO_LARGE');
    assert.match(summary.failures[0].error.message, /bomb\.png: 30000×30000 is 900 megapixels.*--max-pixels/);
    await g.close();

    // The same rule with a small limit: 2000×2000 is refused under 1 MP, accepted under 5 MP.
    const big = join(folder, 'big.png');
    writePngBomb(big, 2000, 2000);
    const strict = await createGlimpse({ db: ':memory:', provider: createRecordingProvider(), maxPixels: 1_000_000 });
    assert.equal((await strict.index([big])).failures[0]?.error.code, 'IMAGE_TOO_LARGE');
    await strict.close();
    const lenient = await createGlimpse({ db: ':memory:', provider: createRecordingProvider(), maxPixels: 5_000_000 });
    assert.equal((await lenient.index([big])).indexed, 1);
    await lenient.close();
  });

  test('a URL that does not answer, and one that answers 404', async () => {
    const server = createServer((request, response) => {
      if (request.url === '/slow.jpg') return; // never answers
      response.writeHead(404).end('not found');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    const { readInput } = await import('../images/read-input.js');
    await assert.rejects(
      readInput(`http://127.0.0.1:${port}/slow.jpg`, { urlTimeoutMs: 200 }),
      (error: Error & { code?: string }) => {
        assert.equal(error.code, 'URL_UNREACHABLE');
        assert.match(error.message, /slow\.jpg: no answer within 0\.2 s/);
        return true;
      },
    );
    const g = await createGlimpse({ db: ':memory:', provider: createRecordingProvider() });
    await assert.rejects(
      g.caption(`http://127.0.0.1:${port}/missing.jpg`),
      (error: Error & { code?: string }) => error.code === 'URL_HTTP_ERROR',
    );
    server.close();
    server.closeAllConnections();
    // Nothing listens on this port.
    await assert.rejects(
      g.caption(`http://127.0.0.1:${port}/gone.jpg`),
      (error: Error & { code?: string }) => error.code === 'URL_UNREACHABLE',
    );
    await g.close();
  });

  test('a failure is cleared from status once the file is fixed', async () => {
    const folder = join(temporaryDirectory(), 'fixable');
    mkdirSync(folder);
    writeFileSync(join(folder, 'photo.png'), '');
    const g = await createGlimpse({ db: join(folder, '..', 'g.db'), provider: createRecordingProvider() });
    await g.index([folder]);
    assert.equal(g.status().failed.length, 1);
    writeFileSync(join(folder, 'photo.png'), readFileSync(sample('coffee.png')));
    const summary = await g.index([folder]);
    assert.equal(summary.indexed, 1);
    assert.equal(g.status().failed.length, 0);
    await g.close();
  });
});
