/**
 * URL fetching for the API: private addresses refused before any connection, redirects checked hop by hop,
 * size and time limits — against real local HTTP servers.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { GlimpseError } from '../errors.js';
import { isPrivateAddress } from '../images/address-policy.js';
import { fetchUrlSafely } from '../images/url-fetch.js';
import { SAMPLES_DIR, sampleStore } from '../testing/sample-store.js';
import { createApp } from './app.js';

let server: Server;
let base: string;
let hits = 0;
let png: Buffer;

before(async () => {
  png = await readFile(join(SAMPLES_DIR, 'chelsea.png'));
  server = createServer((request, response) => {
    hits++;
    const url = request.url ?? '/';
    if (url === '/cat.png') return response.writeHead(200, { 'content-type': 'image/png' }).end(png);
    if (url === '/huge') return response.writeHead(200, { 'content-length': String(10 * 1024 * 1024) }).end();
    if (url === '/endless') {
      // No length header: the limit must hold while streaming.
      response.writeHead(200);
      const chunk = Buffer.alloc(64 * 1024);
      const pump = () => {
        while (response.write(chunk)) if (response.writableLength > 4 * 1024 * 1024) break;
      };
      response.on('drain', pump);
      pump();
      return;
    }
    if (url === '/slow') return setTimeout(() => response.end('late'), 5000).unref();
    if (url === '/to-blocked')
      return response
        .writeHead(302, { location: `http://127.0.0.2:${(server.address() as AddressInfo).port}/cat.png` })
        .end();
    if (url === '/to-cat') return response.writeHead(301, { location: '/cat.png' }).end();
    if (url === '/loop') return response.writeHead(302, { location: '/loop' }).end();
    if (url === '/to-file') return response.writeHead(302, { location: 'file:///etc/passwd' }).end();
    response.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => {
  server.closeAllConnections();
  server.close();
});

const trusted = { maxBytes: 1024 * 1024, timeoutMs: 2000, allowPrivate: true };

async function rejectsWith(promise: Promise<unknown>, code: string, message?: RegExp) {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(GlimpseError.is(error), String(error));
    assert.equal(error.code, code, error.message);
    if (message) assert.match(error.message, message);
    return true;
  });
}

describe('address policy', () => {
  test('refuses loopback, private, link-local, and IPv4 hidden in IPv6', () => {
    const refused = [
      '127.0.0.1',
      '127.1.2.3',
      '10.0.0.1',
      '172.16.5.4',
      '172.31.255.255',
      '192.168.1.1',
      '169.254.169.254',
      '100.64.0.1',
      '0.0.0.0',
      '224.0.0.1',
      '255.255.255.255',
      '::1',
      '::',
      'fc00::1',
      'fd12:3456::1',
      'fe80::1',
      'fe80::1%eth0',
      '::ffff:127.0.0.1',
      '::ffff:7f00:1',
      '::ffff:10.0.0.1',
      '::ffff:a9fe:a9fe',
      '64:ff9b::127.0.0.1',
      '2002:7f00:1::',
      '[::1]',
      'not-an-ip',
    ];
    const allowed = ['93.184.216.34', '8.8.8.8', '172.32.0.1', '2606:4700::1111', '::ffff:8.8.8.8', '2002:808:808::'];
    for (const address of refused) assert.ok(isPrivateAddress(address), `${address} should be refused`);
    for (const address of allowed) assert.ok(!isPrivateAddress(address), `${address} should be allowed`);
  });
});

describe('fetchUrlSafely', () => {
  test('refuses loopback addresses and names that resolve to them, before connecting', async () => {
    const before = hits;
    const port = (server.address() as AddressInfo).port;
    for (const url of [
      `${base}/cat.png`,
      `http://localhost:${port}/cat.png`,
      `http://[::1]:${port}/cat.png`,
      `http://[::ffff:127.0.0.1]:${port}/cat.png`,
      `http://2130706433:${port}/cat.png`,
    ]) {
      await rejectsWith(fetchUrlSafely(url, { ...trusted, allowPrivate: false }), 'URL_NOT_ALLOWED');
    }
    assert.equal(hits, before, 'no request reached the server');
  });

  test('refuses other schemes', async () => {
    await rejectsWith(fetchUrlSafely('file:///etc/passwd', trusted), 'URL_NOT_ALLOWED', /http and https/);
    await rejectsWith(fetchUrlSafely(`${base}/to-file`, trusted), 'URL_NOT_ALLOWED', /http and https/);
  });

  test('fetches when private addresses are allowed, following redirects', async () => {
    assert.deepEqual(await fetchUrlSafely(`${base}/cat.png`, trusted), png);
    assert.deepEqual(await fetchUrlSafely(`${base}/to-cat`, trusted), png);
  });

  test('checks every redirect target again', async () => {
    // Only 127.0.0.2 is "private" here, so the first hop is allowed and the redirect is what gets refused.
    const options = { ...trusted, allowPrivate: false, isBlocked: (address: string) => address === '127.0.0.2' };
    assert.deepEqual(await fetchUrlSafely(`${base}/cat.png`, options), png);
    await rejectsWith(fetchUrlSafely(`${base}/to-blocked`, options), 'URL_NOT_ALLOWED', /127\.0\.0\.2/);
    await rejectsWith(fetchUrlSafely(`${base}/loop`, trusted), 'URL_HTTP_ERROR', /redirects/);
  });

  test('limits size (declared or streamed) and time', async () => {
    await rejectsWith(fetchUrlSafely(`${base}/huge`, trusted), 'IMAGE_TOO_LARGE');
    await rejectsWith(fetchUrlSafely(`${base}/endless`, trusted), 'IMAGE_TOO_LARGE');
    await rejectsWith(fetchUrlSafely(`${base}/slow`, { ...trusted, timeoutMs: 300 }), 'URL_UNREACHABLE', /0\.3 s/);
    await rejectsWith(fetchUrlSafely(`${base}/missing`, trusted), 'URL_HTTP_ERROR', /404/);
  });
});

describe('POST /api/v1/describe with a URL', () => {
  test('describes a fetched image when the server allows private URLs', async () => {
    const store = await sampleStore({ index: false });
    try {
      const request = {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ url: `${base}/cat.png` }),
      };
      const refused = await createApp(store.glimpse).request('/api/v1/describe', request);
      assert.equal(refused.status, 403);
      const response = await createApp(store.glimpse, { allowPrivateUrls: true }).request('/api/v1/describe', request);
      const body = await response.json();
      assert.equal(response.status, 200, JSON.stringify(body));
      assert.equal(body.path, `${base}/cat.png`);
      assert.equal(body.caption, 'An image called cat.png.');
    } finally {
      await store.cleanup();
    }
  });
});
