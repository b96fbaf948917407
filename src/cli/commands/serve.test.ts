/**
 * `glimpse serve` through the real binary: it starts, prints where it listens, answers, stops on SIGTERM, and
 * refuses to listen beyond loopback without a token.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';

const binary = fileURLToPath(new URL('../../../bin/glimpse.js', import.meta.url));
let scratch: string;

before(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'glimpse-serve-'));
});
after(() => rm(scratch, { recursive: true, force: true }));

/** Start `glimpse serve`, wait for the line with the web app's address, and hand back the process. */
function serve(args: string[], env: Record<string, string> = {}) {
  const child = spawn(
    process.execPath,
    [binary, '--db', join(scratch, 'glimpse.db'), 'serve', '--port', '0', ...args],
    {
      env: { ...process.env, GLIMPSE_TOKEN: '', NO_COLOR: '1', ...env },
    },
  );
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const address = new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
      const match = /web app: (\S+)/.exec(stdout);
      if (match) resolve(match[1]);
    });
    void exited.then((code) => reject(new Error(`glimpse serve exited with ${code}: ${stderr}`)));
  });
  return { child, address, exited, output: () => ({ stdout, stderr }) };
}

test('serves the API and the web app on 127.0.0.1, and stops on SIGTERM', async () => {
  const server = serve(['--allow-index', scratch]);
  const link = await server.address;
  assert.match(link, /^http:\/\/127\.0\.0\.1:\d+\/$/);
  const status = await (await fetch(new URL('/api/v1/status', link))).json();
  assert.equal(status.images, 0);
  assert.equal(status.indexingAllowed, true);
  assert.match(await (await fetch(link)).text(), /<title>Search · Glimpse<\/title>/);
  server.child.kill('SIGTERM');
  assert.equal(await server.exited, 0);
});

test('refuses to listen beyond loopback without a token, and says why', async () => {
  const server = serve(['--host', '0.0.0.0']);
  await assert.rejects(server.address);
  assert.equal(await server.exited, 1);
  assert.match(server.output().stderr, /Refusing to listen on 0\.0\.0\.0 without a token/);
  assert.match(server.output().stderr, /--token/);
});

test('with GLIMPSE_TOKEN it listens beyond loopback, prints a link with the token, and requires it', async () => {
  const server = serve(['--host', '0.0.0.0'], { GLIMPSE_TOKEN: 'tok-123' });
  const link = await server.address;
  assert.match(link, /^http:\/\/0\.0\.0\.0:\d+\/\?token=tok-123$/);
  const port = new URL(link).port;
  assert.equal((await fetch(`http://127.0.0.1:${port}/api/v1/status`)).status, 401);
  assert.equal(
    (await fetch(`http://127.0.0.1:${port}/api/v1/status`, { headers: { authorization: 'Bearer tok-123' } })).status,
    200,
  );
  server.child.kill('SIGTERM');
  assert.equal(await server.exited, 0);
});

test('bad flags are usage errors', async () => {
  const missing = serve(['--allow-index', join(scratch, 'no-such-folder')]);
  missing.address.catch(() => undefined);
  assert.equal(await missing.exited, 1);
  assert.match(missing.output().stderr, /--allow-index .*not a folder/);
  const port = serve(['--port', 'eighty']);
  port.address.catch(() => undefined);
  assert.equal(await port.exited, 1);
  assert.match(port.output().stderr, /--port/);
});
