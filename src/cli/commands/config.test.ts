/**
 * `glimpse config` through the real binary, in a temporary config home.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';

const repositoryRoot = fileURLToPath(new URL('../../../', import.meta.url));
let configHome: string;

function glimpse(args: string[], stdin?: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      [join(repositoryRoot, 'bin', 'glimpse.js'), 'config', ...args],
      { env: { PATH: process.env.PATH ?? '', HOME: configHome, XDG_CONFIG_HOME: configHome, NO_COLOR: '1' } },
      (error, stdout, stderr) =>
        resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
    child.stdin?.end(stdin ?? '');
  });
}

before(async () => {
  configHome = await mkdtemp(join(tmpdir(), 'glimpse-config-'));
});
after(() => rm(configHome, { recursive: true, force: true }));

test('set, get, list, unset and path; keys stored but never printed', async () => {
  const path = join(configHome, 'glimpse', 'config.json');
  assert.equal((await glimpse(['path'])).stdout.trim(), path);

  assert.equal((await glimpse(['set', 'provider', 'anthropic'])).code, 0);
  const piped = await glimpse(['set', 'providers.anthropic.apiKey', '-'], 'sk-ant-from-stdin\n');
  assert.equal(piped.code, 0, piped.stderr);
  assert.doesNotMatch(piped.stdout, /sk-ant-from-stdin/);
  assert.equal((await glimpse(['set', 'providers.anthropic.options.concurrency', '3'])).code, 0);

  const stored = JSON.parse(await readFile(path, 'utf8'));
  assert.deepEqual(stored, {
    provider: 'anthropic',
    providers: { anthropic: { apiKey: 'sk-ant-from-stdin', options: { concurrency: 3 } } },
  });
  assert.equal((await stat(path)).mode & 0o777, 0o600);

  const list = await glimpse(['list']);
  assert.match(list.stdout, /^provider = anthropic$/m);
  assert.match(list.stdout, /^providers\.anthropic\.apiKey = \(set, hidden\)$/m);
  assert.match(list.stdout, /^providers\.anthropic\.options\.concurrency = 3$/m);
  const listJson = await glimpse(['list', '--json']);
  assert.doesNotMatch(listJson.stdout, /sk-ant-from-stdin/);
  assert.equal(JSON.parse(listJson.stdout).providers.anthropic.apiKey, '(set, hidden)');

  assert.equal((await glimpse(['get', 'providers.anthropic.apiKey'])).stdout.trim(), '(set, hidden)');
  assert.equal((await glimpse(['get', 'provider'])).stdout.trim(), 'anthropic');
  const whole = await glimpse(['get', 'providers', '--json']);
  assert.doesNotMatch(whole.stdout, /sk-ant-from-stdin/);

  assert.equal((await glimpse(['unset', 'providers.anthropic.apiKey'])).code, 0);
  const missing = await glimpse(['get', 'providers.anthropic.apiKey']);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /not set/);
});
