/**
 * `glimpse mcp` spoken to by the MCP SDK's own client over stdio: the real binary, a real library on disk.
 */
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { createGlimpse } from '../glimpse.js';
import { glimpseBin, sample, samplesDir, temporaryDirectory } from '../testing/fixtures.js';

const folder = temporaryDirectory('glimpse-mcp-');
const db = join(folder, 'library.db');
const library = join(folder, 'photos');
const later = join(folder, 'later');
let client: Client;

function parsed(result: unknown): any {
  const first = (result as CallToolResult).content[0];
  assert.equal(first.type, 'text');
  return JSON.parse((first as { text: string }).text);
}

before(async () => {
  mkdirSync(library);
  mkdirSync(later);
  copyFileSync(sample('china.jpg'), join(library, 'china.jpg'));
  copyFileSync(sample('coffee.png'), join(library, 'coffee.png'));
  copyFileSync(sample('horse.png'), join(later, 'horse.png'));
  const glimpse = await createGlimpse({ db });
  await glimpse.index([library]);
  await glimpse.close();

  client = new Client({ name: 'glimpse-test', version: '1.0.0' });
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [glimpseBin, '--db', db, 'mcp', '--allow-read', samplesDir, '--allow-index', later],
    stderr: 'pipe',
  });
  await client.connect(transport);
});

after(async () => {
  await client?.close();
});

describe('glimpse mcp over stdio', () => {
  test('lists its tools with input schemas', async () => {
    const { tools } = await client.listTools();
    assert.deepEqual(tools.map((tool) => tool.name).sort(), [
      'ask_image',
      'ask_library',
      'describe_image',
      'get_image',
      'index_folder',
      'search_images',
    ]);
    const search = tools.find((tool) => tool.name === 'search_images')!;
    assert.deepEqual(search.inputSchema.required, ['query']);
  });

  test('search finds an indexed image, and get_image returns its description with a thumbnail', async () => {
    const found = parsed(await client.callTool({ name: 'search_images', arguments: { query: 'birds' } }));
    assert.equal(found.results[0].path, join(library, 'china.jpg'));
    // The specks the detector scores as birds are too small and weak for the caption to claim (issue 15); the
    // detailed description still says "possibly … birds", which is what search found.
    assert.match(found.results[0].snippet, /bird/i);

    const got = (await client.callTool({
      name: 'get_image',
      arguments: { image: found.results[0].id },
    })) as CallToolResult;
    assert.ok(!got.isError);
    assert.equal(parsed(got).path, join(library, 'china.jpg'));
    assert.equal(parsed(got).provider, 'builtin');
    const picture = got.content.find((item) => item.type === 'image') as { data: string; mimeType: string };
    assert.equal(picture.mimeType, 'image/webp');
    assert.equal(Buffer.from(picture.data, 'base64').subarray(8, 12).toString('latin1'), 'WEBP');
  });

  test('ask_library answers from the library and cites the images it used', async () => {
    const answer = parsed(
      await client.callTool({ name: 'ask_library', arguments: { question: 'Which photos show birds?' } }),
    );
    assert.equal(answer.question, 'Which photos show birds?');
    assert.equal(answer.mode, 'extractive', 'the built-in analyzer answers without a model');
    assert.ok(answer.sources.some((source: { path: string }) => source.path === join(library, 'china.jpg')));
    assert.match(answer.answer, /china\.jpg|1 photo|one photo/i);
  });

  test('describe_image describes a file under the allowed folders', async () => {
    const result = (await client.callTool({
      name: 'describe_image',
      arguments: { image: sample('coffee.png'), task: 'caption' },
    })) as CallToolResult;
    assert.ok(!result.isError, JSON.stringify(result));
    assert.match(parsed(result).caption, /cup|coffee|mug/i);
  });

  test('ask_image answers about a file under the allowed folders, and refuses one outside them', async () => {
    const result = (await client.callTool({
      name: 'ask_image',
      arguments: { image: sample('coffee.png'), question: 'is there a cup?' },
    })) as CallToolResult;
    assert.ok(!result.isError, JSON.stringify(result));
    const answer = parsed(result);
    assert.equal(answer.path, sample('coffee.png'));
    assert.match(answer.answer, /cup/i);

    const outside = (await client.callTool({
      name: 'ask_image',
      arguments: { image: join(library, 'china.jpg'), question: 'is there a cup?' },
    })) as CallToolResult;
    assert.equal(outside.isError, true);
    assert.equal(parsed(outside).error.code, 'PATH_NOT_ALLOWED');
  });

  test('errors are MCP tool errors carrying Glimpse codes', async () => {
    const outside = (await client.callTool({
      name: 'describe_image',
      arguments: { image: join(library, 'china.jpg') },
    })) as CallToolResult;
    assert.equal(outside.isError, true);
    assert.equal(parsed(outside).error.code, 'PATH_NOT_ALLOWED');
    assert.match(parsed(outside).error.hint, /--allow-read/);

    const missing = (await client.callTool({ name: 'get_image', arguments: { image: 999 } })) as CallToolResult;
    assert.equal(missing.isError, true);
    assert.equal(parsed(missing).error.code, 'IMAGE_NOT_INDEXED');

    const notAllowed = (await client.callTool({
      name: 'index_folder',
      arguments: { folder: library },
    })) as CallToolResult;
    assert.equal(parsed(notAllowed).error.code, 'PATH_NOT_ALLOWED');

    // A bad argument is refused by the input schema before any Glimpse code runs.
    const invalid = (await client.callTool({ name: 'search_images', arguments: { query: 42 } })) as CallToolResult;
    assert.equal(invalid.isError, true);
  });

  test('index_folder indexes a folder the server was started with', async () => {
    const result = parsed(await client.callTool({ name: 'index_folder', arguments: { folder: later } }));
    assert.equal(result.indexed, 1);
    const found = parsed(await client.callTool({ name: 'search_images', arguments: { query: 'horse' } }));
    assert.equal(found.results[0].path, join(later, 'horse.png'));
  });
});
