/**
 * MCP over streamable HTTP at /mcp under `glimpse serve`: the SDK's client against a real server on 127.0.0.1,
 * with the server's token rules.
 */
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { createGlimpse, type Glimpse } from '../glimpse.js';
import { type RunningServer, startServer } from '../server/start.js';
import { sample, temporaryDirectory } from '../testing/fixtures.js';

const folder = temporaryDirectory('glimpse-mcp-http-');
const photos = join(folder, 'photos');
let glimpse: Glimpse;
let server: RunningServer;

before(async () => {
  mkdirSync(photos);
  copyFileSync(sample('china.jpg'), join(photos, 'china.jpg'));
  glimpse = await createGlimpse({ db: join(folder, 'g.db') });
  await glimpse.index([photos]);
  server = await startServer(glimpse, { port: 0, token: 'sesame', allowIndex: [photos], log: () => undefined });
});

after(async () => {
  await server?.close();
  await glimpse?.close();
});

function connect(token?: string): Promise<Client> {
  const client = new Client({ name: 'glimpse-test', version: '1.0.0' });
  const transport = new StreamableHTTPClientTransport(new URL(`${server.url}/mcp`), {
    requestInit: token ? { headers: { Authorization: `Bearer ${token}` } } : undefined,
  });
  return client.connect(transport).then(() => client);
}

test('with the token: list tools, search, describe a file under the allowed folder', async () => {
  const client = await connect('sesame');
  try {
    const { tools } = await client.listTools();
    assert.ok(tools.some((tool) => tool.name === 'search_images'));
    const found = (await client.callTool({ name: 'search_images', arguments: { query: 'birds' } })) as CallToolResult;
    const results = JSON.parse((found.content[0] as { text: string }).text).results;
    assert.equal(results[0].path, join(photos, 'china.jpg'));
    const outside = (await client.callTool({
      name: 'describe_image',
      arguments: { image: sample('coffee.png') },
    })) as CallToolResult;
    assert.equal(outside.isError, true);
    assert.equal(JSON.parse((outside.content[0] as { text: string }).text).error.code, 'PATH_NOT_ALLOWED');
  } finally {
    await client.close();
  }
});

test('without the token, or with a wrong one, the server refuses with 401', async () => {
  await assert.rejects(connect(), /401|Unauthorized|token/i);
  await assert.rejects(connect('wrong'), /401|Unauthorized|token/i);
  const response = await fetch(`${server.url}/mcp`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
  });
  assert.equal(response.status, 401);
  assert.equal((await response.json()).error.code, 'UNAUTHORIZED');
});
