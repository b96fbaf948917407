/**
 * Group commit on a real SQLite file, watched from a second connection (as another process would see it): writes of
 * images in flight land together, each write whole or not at all, and a write's promise settles only once it is
 * committed.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { SqliteStore } from '../storage/sqlite/sqlite-store.js';
import { temporaryDirectory } from '../testing/fixtures.js';
import { groupCommit } from './group-commit.js';

function setup() {
  const path = join(temporaryDirectory('glimpse-group-'), 'g.db');
  const store = new SqliteStore(path);
  const other = new Database(path, { readonly: true });
  const failures = () =>
    (other.prepare('SELECT path FROM failures ORDER BY path').all() as { path: string }[]).map((row) => row.path);
  const write = (name: string) => () => store.recordFailure(name, 'X', 'x', null);
  const close = () => {
    other.close();
    store.close();
  };
  return { store, failures, write, close };
}

test('writes of images in flight wait for each other (at most the window), then land in one commit', async () => {
  const { store, failures, write, close } = setup();
  const writes = groupCommit(store, 50);
  for (let image = 0; image < 3; image++) writes.inFlight(1);
  const first = writes.write(write('a'));
  const second = writes.write(write('b'));
  await new Promise((resolve) => setTimeout(resolve, 10));
  assert.deepEqual(failures(), [], 'nothing committed while a third image may still come');
  let settled = false;
  void first.then(() => {
    settled = true;
  });
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(settled, false, 'not done before it is committed');
  await Promise.all([first, second]);
  assert.deepEqual(failures(), ['a', 'b'], 'the window ended: both committed');
  // Every image in flight waits for a write: no other can come, so the group commits at once.
  const third = writes.write(write('c'));
  writes.inFlight(-1);
  assert.deepEqual(failures(), ['a', 'b'], 'another image is still in flight');
  writes.inFlight(-1);
  assert.deepEqual(failures(), ['a', 'b', 'c'], 'only the writing image is left in flight: committed at once');
  await third;
  close();
});

test('an urgent write (a claim) commits at once, with the writes that wait', async () => {
  const { store, failures, write, close } = setup();
  const writes = groupCommit(store, 60_000);
  for (let image = 0; image < 3; image++) writes.inFlight(1);
  const saved = writes.write(write('a'));
  assert.deepEqual(failures(), []);
  const claimed = writes.write(write('b'), true);
  assert.deepEqual(failures(), ['a', 'b']);
  await Promise.all([saved, claimed]);
  close();
});

test('a write that throws is undone alone, and only its caller sees the error', async () => {
  const { store, failures, write, close } = setup();
  const writes = groupCommit(store, 50);
  for (let image = 0; image < 3; image++) writes.inFlight(1);
  const results = await Promise.allSettled([
    writes.write(write('a')),
    writes.write(() => {
      write('half')();
      throw new Error('broken image');
    }),
    writes.write(write('c')),
  ]);
  assert.deepEqual(
    results.map((result) => result.status),
    ['fulfilled', 'rejected', 'fulfilled'],
  );
  assert.deepEqual(failures(), ['a', 'c'], 'the broken write left nothing behind');
  close();
});

test('one image at a time commits at once, with the write’s result', async () => {
  const { store, failures, close } = setup();
  const writes = groupCommit(store, 60_000);
  writes.inFlight(1);
  const claimed = writes.write(() => store.claim('f'.repeat(64), 1000));
  assert.deepEqual(failures(), []);
  assert.equal(await claimed, true);
  close();
});
