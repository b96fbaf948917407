/**
 * Issue 18, items 5 and 11, with the real CLI in several processes: two indexers of one folder share the work (each
 * image is described once, not once per process), and a run killed with SIGKILL is marked interrupted by the next
 * run and shown by `glimpse status`.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { glimpseBin, samplesDir, temporaryDirectory, writeProviderModule } from '../testing/fixtures.js';

const env = { ...process.env, NO_COLOR: '1', GLIMPSE_PROVIDER: '' };

/** `count` distinct images: the sample photos, each copy with its own bytes after the image data. */
function photoFolder(dir: string, count: number): string {
  const photos = join(dir, 'photos');
  mkdirSync(photos);
  const samples = readdirSync(samplesDir).filter((name) => /\.(png|jpg)$/.test(name));
  for (let i = 0; i < count; i++) {
    const name = samples[i % samples.length];
    const bytes = readFileSync(join(samplesDir, name));
    writeFileSync(join(photos, `${i}-${name}`), Buffer.concat([bytes, Buffer.from(`copy ${i}`)]));
  }
  return photos;
}

function run(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [glimpseBin, ...args], { env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

function calls(dir: string): string[] {
  const log = join(dir, 'calls.log');
  return existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n').filter(Boolean) : [];
}

test('two indexers of the same folder at once describe each image once', async () => {
  const dir = temporaryDirectory();
  const images = 16;
  const photos = photoFolder(dir, images);
  const provider = writeProviderModule(dir, { latencyMs: 150 });
  const db = join(dir, 'glimpse.db');
  const args = ['index', photos, '--db', db, '--provider', provider, '--concurrency', '2', '--json'];
  const [first, second] = await Promise.all([run(args), run(args)]);
  assert.equal(first.code, 0, first.stderr);
  assert.equal(second.code, 0, second.stderr);
  const described = calls(dir);
  assert.equal(described.length, images, `model calls: ${described.length} for ${images} images`);
  assert.equal(new Set(described).size, images);
  // Both runs account for every image: what one described, the other found done.
  for (const result of [first, second]) {
    const summary = JSON.parse(result.stdout);
    assert.equal(summary.indexed + summary.unchanged, images, result.stdout);
  }
  const check = new Database(db, { readonly: true });
  assert.equal((check.prepare('SELECT count(*) AS n FROM images').get() as { n: number }).n, images);
  assert.equal((check.prepare('SELECT count(*) AS n FROM claims').get() as { n: number }).n, 0, 'claims released');
  check.close();
});

test('a run killed with SIGKILL is marked interrupted at the next start and shown by status; its claims are freed', async () => {
  const dir = temporaryDirectory();
  const photos = photoFolder(dir, 6);
  const slow = writeProviderModule(dir, { latencyMs: 400 });
  const db = join(dir, 'glimpse.db');
  const child = spawn(process.execPath, [glimpseBin, 'index', photos, '--db', db, '--provider', slow], { env });
  let stderr = '';
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const closed = new Promise((resolve) => child.on('close', (code, signal) => resolve(signal ?? code)));
  // Kill it while it describes: after the first image was described.
  const poll = setInterval(() => {
    if (calls(dir).length >= 2) child.kill('SIGKILL');
  }, 20);
  const ended = await closed;
  clearInterval(poll);
  assert.equal(ended, 'SIGKILL', `the run ended before it was killed: ${stderr}`);

  const before = spawnSync(process.execPath, [glimpseBin, 'status', '--db', db, '--json'], { env, encoding: 'utf8' });
  assert.equal(before.status, 0, before.stderr);
  const killed = JSON.parse(before.stdout).interrupted;
  assert.equal(killed.length, 1, before.stdout);
  assert.equal(killed[0].interruptedAt, null, 'not marked yet: no run started since');

  const next = await run(['index', photos, '--db', db, '--provider', slow, '--json']);
  assert.equal(next.code, 0, next.stderr);
  const rows = new Database(db, { readonly: true })
    .prepare('SELECT id, finished_at, interrupted_at FROM runs ORDER BY id')
    .all() as { id: number; finished_at: string | null; interrupted_at: string | null }[];
  assert.equal(rows.length, 2);
  assert.equal(rows[0].finished_at, null);
  assert.ok(rows[0].interrupted_at, 'the killed run is marked interrupted');
  assert.ok(rows[1].finished_at && !rows[1].interrupted_at, 'the next run finished');
  // The killed process's claim (the image it was describing) did not make the next run wait for the lease.
  assert.equal(new Set(calls(dir)).size, 6);

  const after = spawnSync(process.execPath, [glimpseBin, 'status', '--db', db], { env, encoding: 'utf8' });
  assert.match(after.stdout, /1 interrupted run/);
});
