/**
 * `glimpse similar` through the real binary: photos indexed with the tiny local captioner and the tiny CLIP model
 * (image vectors in sqlite-vec), then queried by an indexed photo and by a re-encoded copy that is not indexed.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import sharp from 'sharp';
import { repositoryRoot, tinyModelDirectory } from '../../testing/tiny-models.js';

const run = promisify(execFile);
let scratch: string;
let photos: string;
let db: string;
const localModels = ['--provider', 'local', '--model', 'tiny/vit-gpt2'];
const clip = ['--embedder', 'local', '--embedding-model', 'tiny/clip'];

async function glimpse(args: string[]) {
  try {
    const { stdout, stderr } = await run(
      process.execPath,
      [join(repositoryRoot, 'bin', 'glimpse.js'), '--db', db, ...args],
      {
        env: { ...process.env, GLIMPSE_MODELS: tinyModelDirectory(), NO_COLOR: '1' },
      },
    );
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

before(async () => {
  scratch = mkdtempSync(join(tmpdir(), 'glimpse-similar-'));
  photos = join(scratch, 'photos');
  db = join(scratch, 'glimpse.db');
  mkdirSync(photos);
  for (const name of ['chelsea.png', 'coffee.png', 'horse.png', 'rocket.jpg'])
    copyFileSync(join(repositoryRoot, 'samples', name), join(photos, name));
  const indexed = await glimpse(['index', photos, ...localModels, ...clip, '--json']);
  assert.equal(indexed.code, 0, indexed.stderr);
  assert.equal(JSON.parse(indexed.stdout).indexed, 4);
});
after(() => rmSync(scratch, { recursive: true, force: true }));

describe('glimpse similar', () => {
  test('an indexed photo: the other photos, most similar first, never itself', async () => {
    const { code, stdout, stderr } = await glimpse(['similar', join(photos, 'chelsea.png'), '--json']);
    assert.equal(code, 0, stderr);
    const { results } = JSON.parse(stdout) as { results: Array<{ path: string; score: number }> };
    assert.deepEqual(
      results.map((result) => result.path).sort(),
      ['coffee.png', 'horse.png', 'rocket.jpg'].map((name) => join(photos, name)),
    );
    const scores = results.map((result) => result.score);
    assert.deepEqual(
      scores,
      [...scores].sort((a, b) => b - a),
    );
    assert.ok(scores.every((score) => score >= -1 && score <= 1));
  });

  test('--limit caps the results', async () => {
    const { stdout } = await glimpse(['similar', join(photos, 'horse.png'), '--limit', '1', '--json']);
    assert.equal(JSON.parse(stdout).results.length, 1);
  });

  test('a file that is not indexed is embedded on the spot; its original comes first', async () => {
    const copy = join(scratch, 'chelsea-again.jpg');
    await sharp(join(repositoryRoot, 'samples', 'chelsea.png'))
      .jpeg({ quality: 92 })
      .toFile(copy);
    const { code, stdout, stderr } = await glimpse(['similar', copy, ...clip, '--json']);
    assert.equal(code, 0, stderr);
    const { results } = JSON.parse(stdout) as { results: Array<{ path: string }> };
    assert.equal(results.length, 4);
    assert.equal(results[0]!.path, join(photos, 'chelsea.png'));
  });

  test('text search ranks by CLIP image–text similarity too', async () => {
    const { code, stdout, stderr } = await glimpse(['search', 'a cat', ...clip, '--json']);
    assert.equal(code, 0, stderr);
    const { results } = JSON.parse(stdout) as {
      results: Array<{ why: { vectorRank: number | null; vectorSimilarity: number | null } }>;
    };
    assert.ok(
      results.some((result) => result.why.vectorRank !== null && typeof result.why.vectorSimilarity === 'number'),
    );
  });

  test('without image embeddings in the index it says how to get them', async () => {
    const saved = db;
    db = join(scratch, 'no-vectors.db');
    try {
      const indexed = await glimpse(['index', photos, ...localModels, '--json']);
      assert.equal(indexed.code, 0, indexed.stderr);
      const { code, stderr } = await glimpse(['similar', join(photos, 'chelsea.png')]);
      assert.equal(code, 1);
      assert.match(stderr, /no image embeddings/i);
      assert.match(stderr, /--embedder local/);
    } finally {
      db = saved;
    }
  });
});
