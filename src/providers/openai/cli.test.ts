/**
 * The OpenAI provider through the real `glimpse` binary, against a mock OpenAI server on 127.0.0.1.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import sharp from 'sharp';
import { type MockServer, startMockServer } from '../../testing/mock-vendor-server.js';
import { responsesReply } from '../../testing/provider-conformance.js';

const run = promisify(execFile);
const repositoryRoot = fileURLToPath(new URL('../../../', import.meta.url));
const API_KEY = 'sk-cli-test-secret-42';

let server: MockServer;
let configHome: string;

async function glimpse(args: string[], env: Record<string, string> = {}) {
  try {
    const { stdout, stderr } = await run(process.execPath, [join(repositoryRoot, 'bin', 'glimpse.js'), ...args], {
      // Only what the test sets: no real keys or config leak in from the developer's environment.
      env: {
        PATH: process.env.PATH ?? '',
        HOME: configHome,
        XDG_CONFIG_HOME: configHome,
        XDG_DATA_HOME: configHome,
        NO_COLOR: '1',
        ...env,
      },
      cwd: repositoryRoot,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

const reply = (text: string) => responsesReply(text, { input: 300, output: 12 }, 'gpt-4o-mini-2024-07-18');

before(async () => {
  server = await startMockServer();
  configHome = await mkdtemp(join(tmpdir(), 'glimpse-cli-openai-'));
});
after(async () => {
  await server.close();
  await rm(configHome, { recursive: true, force: true });
});

describe('glimpse caption --provider openai (mock server)', () => {
  test('describes samples/chelsea.png: one JSON line with the caption and the model that answered', async () => {
    server.handle(() => reply('A tabby cat looks straight at the camera.'));
    const { code, stdout, stderr } = await glimpse(
      ['caption', '--provider', 'openai', '--base-url', `${server.url}/v1`, 'samples/chelsea.png', '--json'],
      { OPENAI_API_KEY: API_KEY },
    );
    assert.equal(code, 0, stderr);
    const lines = stdout.trim().split('\n');
    assert.equal(lines.length, 1);
    const result = JSON.parse(lines[0]!);
    assert.equal(result.caption, 'A tabby cat looks straight at the camera.');
    assert.equal(result.model, 'gpt-4o-mini-2024-07-18');

    assert.equal(server.requests.length, 1);
    const request = server.requests[0]!;
    assert.equal(request.path, '/v1/responses');
    assert.equal(request.headers.authorization, `Bearer ${API_KEY}`);
    assert.equal(request.body.model, 'gpt-4o-mini');
    const imagePart = request.body.input
      .flatMap((item: { content: unknown }) => (Array.isArray(item.content) ? item.content : []))
      .find((part: { type: string }) => part.type === 'input_image');
    const uploaded = await sharp(Buffer.from(imagePart.image_url.split(',')[1], 'base64')).metadata();
    // 451×300 is below every budget: sent at its own size, as JPEG.
    assert.deepEqual([uploaded.format, uploaded.width, uploaded.height], ['jpeg', 451, 300]);
    assert.doesNotMatch(stdout + stderr, new RegExp(API_KEY));
  });

  // The CLI reads the config file once src/config/cli-settings.ts calls loadSettings (src/config/settings.ts).
  test('the key and model can come from the config file', async () => {
    server.handle(() => reply('A cat.'));
    try {
      assert.equal((await glimpse(['config', 'set', 'providers.openai.model', 'gpt-4o'])).code, 0);
      const set = await glimpse(['config', 'set', 'providers.openai.apiKey', API_KEY]);
      assert.equal(set.code, 0, set.stderr);
      assert.doesNotMatch(set.stdout, new RegExp(API_KEY));
      const { code, stderr } = await glimpse([
        'caption',
        '--provider',
        'openai',
        '--base-url',
        `${server.url}/v1`,
        'samples/chelsea.png',
        '--json',
      ]);
      assert.equal(code, 0, stderr);
      assert.equal(server.requests[0]!.headers.authorization, `Bearer ${API_KEY}`);
      assert.equal(server.requests[0]!.body.model, 'gpt-4o');
    } finally {
      await glimpse(['config', 'unset', 'providers.openai']);
    }
  });

  test('a refused key (401) fails with the auth hint, never printing the key', async () => {
    server.handle(() => ({
      status: 401,
      json: {
        error: {
          message: 'Incorrect API key provided',
          type: 'invalid_request_error',
          param: null,
          code: 'invalid_api_key',
        },
      },
    }));
    const { code, stdout, stderr } = await glimpse(
      [
        'caption',
        '--provider',
        'openai',
        '--base-url',
        `${server.url}/v1`,
        'samples/chelsea.png',
        'samples/coffee.png',
      ],
      { OPENAI_API_KEY: API_KEY },
    );
    assert.notEqual(code, 0);
    assert.match(stdout + stderr, /refused the API key \(HTTP 401\)/);
    assert.doesNotMatch(stdout + stderr, new RegExp(API_KEY));
  });

  test('a fallback chain: Ollama not running, OpenAI answers', async () => {
    server.handle(() => reply('A cat, described by the second provider.'));
    const dead = await startMockServer();
    await dead.close();
    const { code, stdout, stderr } = await glimpse(
      ['caption', '--provider', 'ollama,openai', '--base-url', dead.url, 'samples/chelsea.png', '--json'],
      { OPENAI_API_KEY: API_KEY, OPENAI_BASE_URL: `${server.url}/v1` },
    );
    assert.equal(code, 0, stderr);
    assert.equal(JSON.parse(stdout).caption, 'A cat, described by the second provider.');
    assert.equal(server.requests.length, 1);
  });

  // PROVIDER_AUTH is fatal for a run: after the first 401 the other images must not be sent.
  test('a refused key stops the run after the first request', async () => {
    server.handle(() => ({
      status: 401,
      json: {
        error: {
          message: 'Incorrect API key provided',
          type: 'invalid_request_error',
          param: null,
          code: 'invalid_api_key',
        },
      },
    }));
    await glimpse(
      [
        'caption',
        '--provider',
        'openai',
        '--base-url',
        `${server.url}/v1`,
        'samples/chelsea.png',
        'samples/coffee.png',
        'samples/flower.jpg',
      ],
      {
        OPENAI_API_KEY: API_KEY,
      },
    );
    assert.equal(server.requests.length, 1);
  });

  test('glimpse models --json: openai ready against the mock server, ollama not running', async () => {
    server.handle(() => ({ json: { object: 'list', data: [{ id: 'gpt-4o-mini', object: 'model' }] } }));
    const dead = await startMockServer();
    await dead.close();
    const { code, stdout, stderr } = await glimpse(['models', '--json'], {
      OPENAI_API_KEY: API_KEY,
      OPENAI_BASE_URL: `${server.url}/v1`,
      OLLAMA_HOST: dead.url,
    });
    assert.equal(code, 0, stderr);
    const rows = JSON.parse(stdout) as { name: string; ready: boolean; detail: string; models: string[] }[];
    const byName = new Map(rows.map((row) => [row.name, row]));
    for (const name of ['openai', 'anthropic', 'gemini', 'ollama', 'openai-compatible'])
      assert.ok(byName.has(name), name);
    assert.equal(byName.get('openai')!.ready, true, byName.get('openai')!.detail);
    assert.equal(byName.get('ollama')!.ready, false);
    assert.match(byName.get('ollama')!.detail, /not answering/);
    assert.match(byName.get('anthropic')!.detail, /no API key/);
    assert.equal(server.requests[0]!.path, '/v1/models');
    assert.doesNotMatch(stdout, new RegExp(API_KEY));
  });
});
