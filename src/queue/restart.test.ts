/**
 * PostgreSQL restarted for real (`pg_ctl restart -m fast`, on a server of the test's own) under a running worker and
 * a running `glimpse serve`: the worker reconnects and finishes the queue with every image described and no failure,
 * and the server answers searches again without being restarted itself.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { startTestCluster, type TestCluster } from '../testing/postgres-cluster.js';
import { queuedImages, runGlimpse, startGlimpse } from '../testing/queue.js';

const IMAGES = 40;
let cluster: TestCluster;
before(async () => {
  cluster = await startTestCluster();
});
after(() => cluster?.stop());

test('a worker and a server outlive PostgreSQL restarting under them', async () => {
  const url = cluster.url('glimpse_restart');
  const { provider, calls, db } = await queuedImages(url, IMAGES, 200);
  const described = () => (existsSync(calls) ? readFileSync(calls, 'utf8').split('\n').filter(Boolean) : []);

  const server = startGlimpse([...db, 'serve', '--port', '0'], { GLIMPSE_TOKEN: '' });
  const worker = startGlimpse([...db, 'worker', '--provider', provider, '--concurrency', '2', '--exit-when-idle']);
  let stderr = '';
  worker.stderr!.on('data', (chunk) => (stderr += chunk));
  const exited = new Promise<number | null>((resolve) => worker.once('exit', resolve));
  const timeout = setTimeout(() => worker.kill('SIGKILL'), 50_000);
  try {
    const address = await new Promise<string>((resolve, reject) => {
      let output = '';
      server.stdout!.on('data', (chunk) => {
        output += chunk;
        const match = /web app: (\S+)/.exec(output);
        if (match) resolve(match[1]);
      });
      server.once('exit', (code) => reject(new Error(`glimpse serve exited (${code})`)));
    });
    const search = async () => {
      const response = await fetch(new URL(`/api/v1/search?q=picture&limit=${IMAGES}`, address));
      assert.equal(response.status, 200, await response.clone().text());
      return ((await response.json()) as { results: unknown[] }).results.length;
    };

    while (described().length < 8) await new Promise((resolve) => setTimeout(resolve, 50));
    assert.ok((await search()) > 0, 'the server finds what is described before the restart');
    cluster.restart();
    const atRestart = described().length;
    assert.ok(atRestart < IMAGES, 'the restart came while the worker had jobs left');

    assert.equal(await exited, 0, stderr);
    assert.equal(new Set(described()).size, IMAGES);
    const status = JSON.parse((await runGlimpse([...db, 'status', '--json'])).stdout);
    assert.equal(status.described, IMAGES);
    assert.deepEqual(status.failed, []);
    assert.deepEqual(status.queue, { waiting: 0, active: 0, failed: 0 });
    // The server's store reconnects on its next query: the search sees the whole library.
    assert.equal(await search(), IMAGES);
  } finally {
    clearTimeout(timeout);
    worker.kill('SIGKILL');
    server.kill('SIGTERM');
    if (server.exitCode === null) await new Promise((resolve) => server.once('exit', resolve));
  }
});
