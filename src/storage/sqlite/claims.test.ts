/**
 * Claims (issue 18, item 5) and interrupted runs (item 11) in one SQLite file shared by several stores, as by
 * several processes: a live holder keeps its claim, an expired one or one whose process is gone loses it.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { temporaryDirectory } from '../../testing/fixtures.js';
import { SqliteStore } from './sqlite-store.js';

/** The pid of a process that has exited. */
function goneProcess(): number {
  return spawnSync(process.execPath, ['-e', '0']).pid!;
}

test('a claim held by another live store is refused until released or expired; its own holder may take it again', () => {
  const path = join(temporaryDirectory(), 'claims.db');
  const first = new SqliteStore(path);
  const second = new SqliteStore(path);
  try {
    assert.equal(first.claim('aaa', 60_000), true);
    assert.equal(first.claim('aaa', 60_000), true, 'the holder may claim again');
    assert.equal(second.claim('aaa', 60_000), false, 'held by a live process');
    assert.equal(second.claim('bbb', 60_000), true, 'other content is free');
    first.releaseClaim('aaa');
    assert.equal(second.claim('aaa', 60_000), true, 'released');
    assert.equal(first.claim('aaa', 60_000), false);
    second.releaseClaim('aaa');
    assert.equal(first.claim('ccc', 1), true);
    const until = Date.now() + 5;
    while (Date.now() < until);
    assert.equal(second.claim('ccc', 60_000), true, 'an expired claim is taken over');
    first.renewLeases(60_000);
    assert.equal(first.claim('ccc', 60_000), false, 'renewing keeps only what the store still holds');
  } finally {
    first.close();
    second.close();
  }
  const after = new SqliteStore(path);
  assert.equal(after.db.prepare('SELECT count(*) FROM claims').pluck().get(), 0, 'closing a store releases its claims');
  after.close();
});

test('a killed process: its claim is taken at once, and the next run marks its run interrupted and forgets its claims', () => {
  const path = join(temporaryDirectory(), 'killed.db');
  const store = new SqliteStore(path);
  const dead = goneProcess();
  store.db
    .prepare('INSERT INTO claims (sha256, owner, host, pid, expires_at) VALUES (?, ?, ?, ?, ?)')
    .run('held-by-dead', `${hostname()}:${dead}:x`, hostname(), dead, Date.now() + 60_000);
  store.db
    .prepare('INSERT INTO claims (sha256, owner, host, pid, expires_at) VALUES (?, ?, ?, ?, ?)')
    .run('also-dead', `${hostname()}:${dead}:x`, hostname(), dead, Date.now() + 60_000);
  const insertRun = store.db.prepare(
    'INSERT INTO runs (started_at, provider, model, host, pid, alive_until) VALUES (?, ?, ?, ?, ?, ?)',
  );
  const killed = Number(
    insertRun.run('2026-01-01T00:00:00Z', 'p', 'm', hostname(), dead, Date.now() + 60_000).lastInsertRowid,
  );
  const elsewhere = Number(
    insertRun.run('2026-01-01T00:00:00Z', 'p', 'm', 'other-host', 1, Date.now() + 60_000).lastInsertRowid,
  );
  const lapsed = Number(
    insertRun.run('2026-01-01T00:00:00Z', 'p', 'm', 'other-host', 1, Date.now() - 1).lastInsertRowid,
  );
  const older = Number(
    store.db.prepare("INSERT INTO runs (started_at) VALUES ('2025-01-01T00:00:00Z')").run().lastInsertRowid,
  );

  assert.equal(store.claim('held-by-dead', 60_000), true, 'the holder is gone');
  assert.deepEqual(
    store.interruptedRuns().map((run) => [run.id, run.interruptedAt]),
    [
      [older, null],
      [lapsed, null],
      [killed, null],
    ].sort((a, b) => Number(b[0]) - Number(a[0])),
    'seen as interrupted before any run marks them; a live run on another host is not',
  );
  const run = store.startRun('p', 'm');
  const marked = store.interruptedRuns();
  assert.deepEqual(marked.map((run) => run.id).sort(), [killed, lapsed, older].sort());
  assert.ok(marked.every((run) => run.interruptedAt));
  assert.ok(!marked.some((row) => row.id === elsewhere || row.id === run));
  assert.equal(store.db.prepare("SELECT count(*) FROM claims WHERE sha256 = 'also-dead'").pluck().get(), 0);
  store.finishRun(run, { indexed: 0, unchanged: 0, failed: 0 });
  store.close();
});
