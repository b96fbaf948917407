/**
 * Each security rule of `glimpse serve`, against the real server on 127.0.0.1 with a random port.
 */
import assert from 'node:assert/strict';
import { copyFile, mkdir, rm, symlink } from 'node:fs/promises';
import { request } from 'node:http';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { GlimpseError } from '../errors.js';
import { SAMPLES_DIR, type SampleStore, sampleStore } from '../testing/sample-store.js';
import { tokenMatches } from './security.js';
import { checkBinding, isLoopbackHost, type RunningServer, startServer } from './start.js';

let store: SampleStore;
let open: RunningServer;

before(async () => {
  store = await sampleStore();
  open = await startServer(store.glimpse, { port: 0, maxUploadBytes: 1024 * 1024, log: () => {} });
});
after(async () => {
  await open.close();
  await store.cleanup();
});

/** A raw HTTP request: the path is sent exactly as given (fetch would normalise `..` away). */
function raw(
  server: RunningServer,
  path: string,
  options: { method?: string; headers?: Record<string, string>; body?: Buffer } = {},
) {
  return new Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }>(
    (resolve, reject) => {
      const req = request(
        {
          agent: false,
          host: '127.0.0.1',
          port: server.port,
          path,
          method: options.method ?? 'GET',
          headers: options.headers,
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () =>
            resolve({
              status: response.statusCode ?? 0,
              headers: response.headers,
              body: Buffer.concat(chunks).toString('latin1'),
            }),
          );
        },
      );
      req.on('error', reject);
      req.end(options.body);
    },
  );
}

function idOf(fileName: string): number {
  return store.glimpse.show(join(store.photos, fileName)).id;
}

describe('binding', () => {
  test('listens on 127.0.0.1 by default', () => {
    assert.match(open.url, /^http:\/\/127\.0\.0\.1:\d+$/);
  });

  test('refuses to listen beyond loopback without a token, and says why', async () => {
    for (const host of ['0.0.0.0', '::', '192.168.1.20']) {
      await assert.rejects(startServer(store.glimpse, { host, port: 0 }), (error: unknown) => {
        assert.ok(GlimpseError.is(error, 'USAGE'));
        assert.match(error.message, new RegExp(`${host.replace(/\./g, '\\.')} without a token`));
        assert.match(error.hint, /--token.*GLIMPSE_TOKEN/);
        return true;
      });
    }
    assert.doesNotThrow(() => checkBinding('0.0.0.0', 'a-token'));
    assert.ok(isLoopbackHost('localhost') && isLoopbackHost('127.0.0.5') && isLoopbackHost('[::1]'));
    assert.ok(!isLoopbackHost('0.0.0.0') && !isLoopbackHost('10.0.0.1') && !isLoopbackHost('example.com'));
  });
});

describe('token', () => {
  const token = 'correct horse battery staple';
  let guarded: RunningServer;
  before(async () => {
    // Beyond loopback, allowed because there is a token; the test talks to it over 127.0.0.1.
    guarded = await startServer(store.glimpse, { host: '0.0.0.0', port: 0, token, log: () => {} });
  });
  after(() => guarded.close());

  test('compares in constant time over digests, whatever the lengths', () => {
    assert.ok(tokenMatches(token, token));
    assert.ok(!tokenMatches('correct horse battery stapler', token));
    assert.ok(!tokenMatches('', token));
    assert.ok(!tokenMatches(token.toUpperCase(), token));
  });

  test('every API request needs it', async () => {
    for (const path of [
      '/api/v1/status',
      '/api/v1/search?q=cat',
      `/api/v1/images/${idOf('chelsea.png')}/file`,
      '/api/v1/openapi.json',
    ]) {
      const missing = await raw(guarded, path);
      assert.equal(missing.status, 401, path);
      assert.equal(JSON.parse(missing.body).error.code, 'UNAUTHORIZED');
      assert.match(String(missing.headers['www-authenticate']), /Bearer/);
      assert.equal((await raw(guarded, path, { headers: { authorization: 'Bearer wrong' } })).status, 401);
      assert.equal(
        (await raw(guarded, `${path}${path.includes('?') ? '&' : '?'}token=${encodeURIComponent(token)}`)).status,
        401,
        'no tokens in API URLs',
      );
      assert.equal((await raw(guarded, path, { headers: { authorization: `Bearer ${token}` } })).status, 200, path);
    }
  });

  test('a browser opens the link with ?token= once and then uses an HttpOnly SameSite=Strict cookie', async () => {
    const page = await raw(guarded, '/');
    assert.equal(page.status, 401);
    assert.match(page.body, /needs its token/);
    assert.equal((await raw(guarded, '/?token=nope')).status, 401);
    const login = await raw(guarded, `/?q=cat&token=${encodeURIComponent(token)}`);
    assert.equal(login.status, 303);
    assert.equal(login.headers.location, '/?q=cat', 'the token leaves the address bar');
    const cookie = String(login.headers['set-cookie']);
    assert.match(cookie, /HttpOnly/);
    assert.match(cookie, /SameSite=Strict/);
    const session = cookie.split(';')[0];
    assert.equal((await raw(guarded, '/?q=cat', { headers: { cookie: session } })).status, 200);
    assert.equal((await raw(guarded, '/api/v1/status', { headers: { cookie: session } })).status, 200);
    assert.equal((await raw(guarded, '/api/v1/status', { headers: { cookie: 'glimpse_token=guess' } })).status, 401);
    assert.equal((await raw(guarded, '/assets/app.css')).status, 200, 'the stylesheet is public');
  });
});

describe('requests from other sites', () => {
  test('a loopback server without a token answers only to loopback host names (DNS rebinding)', async () => {
    assert.equal((await raw(open, '/api/v1/status', { headers: { host: `localhost:${open.port}` } })).status, 200);
    const rebound = await raw(open, '/api/v1/status', { headers: { host: 'attacker.example' } });
    assert.equal(rebound.status, 403);
    assert.equal(JSON.parse(rebound.body).error.code, 'FORBIDDEN_ORIGIN');
  });

  test('state-changing requests from another origin are refused', async () => {
    const headers = { 'content-type': 'application/json', origin: 'http://attacker.example' };
    const body = Buffer.from(JSON.stringify({ caption: 'pwned' }));
    const response = await raw(open, `/api/v1/images/${idOf('coffee.png')}`, { method: 'PATCH', headers, body });
    assert.equal(response.status, 403);
    assert.equal(store.glimpse.show(idOf('coffee.png')).caption, 'A cup of coffee on a saucer');
    const sameOrigin = await raw(open, `/api/v1/images/${idOf('coffee.png')}`, {
      method: 'PATCH',
      headers: { ...headers, origin: open.url },
      body: Buffer.from('{"tags":["coffee","cup"]}'),
    });
    assert.equal(sameOrigin.status, 200);
  });

  test('CORS is off unless configured, and then only for the configured origin', async () => {
    const preflight = {
      method: 'OPTIONS',
      headers: { origin: 'https://cms.example', 'access-control-request-method': 'GET' },
    };
    const closed = await raw(open, '/api/v1/search?q=cat', preflight);
    assert.equal(closed.headers['access-control-allow-origin'], undefined);
    const simple = await raw(open, '/api/v1/search?q=cat', { headers: { origin: 'https://cms.example' } });
    assert.equal(simple.headers['access-control-allow-origin'], undefined);

    const shared = await startServer(store.glimpse, { port: 0, cors: ['https://cms.example'] });
    try {
      const allowed = await raw(shared, '/api/v1/search?q=cat', preflight);
      assert.equal(allowed.headers['access-control-allow-origin'], 'https://cms.example');
      const other = await raw(shared, '/api/v1/search?q=cat', { headers: { origin: 'https://other.example' } });
      assert.notEqual(other.headers['access-control-allow-origin'], 'https://other.example');
    } finally {
      await shared.close();
    }
  });
});

describe('files are served only by id', () => {
  test('traversal attempts get 404 and never a file', async () => {
    const attempts = [
      '/api/v1/images/../../../../etc/passwd',
      '/api/v1/images/..%2F..%2F..%2F..%2Fetc%2Fpasswd/file',
      '/api/v1/images/%2Fetc%2Fpasswd/file',
      '/api/v1/images/1%2F..%2F..%2Fetc%2Fpasswd/file',
      '/api/v1/images/%2e%2e/%2e%2e/etc/passwd',
      '/api/v1/images//etc/passwd/file',
      `/api/v1/images/${encodeURIComponent(join(store.photos, 'chelsea.png'))}/file`,
      '/assets/..%2F..%2F..%2Fetc%2Fpasswd',
      '/assets/../../etc/passwd',
      '/images/..%2F..%2Fetc%2Fpasswd',
    ];
    for (const path of attempts) {
      const response = await raw(open, path);
      assert.equal(response.status, 404, path);
      assert.doesNotMatch(response.body, /root:x:0|PNG/, path);
    }
  });

  test('a file swapped for a symlink out of its folder is 404; inside the folder or an allowed root it is served', async () => {
    const outside = join(store.dir, 'outside');
    await mkdir(outside, { recursive: true });
    await copyFile(join(SAMPLES_DIR, 'china.jpg'), join(outside, 'secret.jpg'));
    const swap = async (fileName: string, target: string) => {
      await rm(join(store.photos, fileName));
      await symlink(target, join(store.photos, fileName));
    };
    await swap('flower.jpg', join(outside, 'secret.jpg'));
    await swap('rocket.jpg', '/etc/passwd');
    await swap('astronaut.png', join(store.photos, 'chelsea.png'));

    assert.equal((await raw(open, `/api/v1/images/${idOf('flower.jpg')}/file`)).status, 404);
    assert.equal((await raw(open, `/api/v1/images/${idOf('rocket.jpg')}/file`)).status, 404);
    const ask = await raw(open, '/api/v1/ask', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: Buffer.from(JSON.stringify({ id: idOf('flower.jpg'), question: 'what is it?' })),
    });
    assert.equal(ask.status, 404, 'asking about it does not read it either');
    assert.equal((await raw(open, `/api/v1/images/${idOf('astronaut.png')}/file`)).status, 200);

    const rooted = await startServer(store.glimpse, { port: 0, allowIndex: [outside] });
    try {
      assert.equal((await raw(rooted, `/api/v1/images/${idOf('flower.jpg')}/file`)).status, 200);
    } finally {
      await rooted.close();
    }
  });
});

describe('uploads and responses', () => {
  test('uploads above the limit get 413 over a real socket', async () => {
    const boundary = 'glimpse-boundary';
    const body = Buffer.concat([
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="image"; filename="big.jpg"\r\nContent-Type: image/jpeg\r\n\r\n`,
      ),
      Buffer.alloc(2 * 1024 * 1024, 0xff),
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]);
    const response = await raw(open, '/api/v1/describe', {
      method: 'POST',
      headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
      body,
    });
    assert.equal(response.status, 413);
    assert.equal(JSON.parse(response.body).error.code, 'IMAGE_TOO_LARGE');
  });

  test('security headers on pages and API responses', async () => {
    const page = await raw(open, '/');
    const csp = String(page.headers['content-security-policy']);
    assert.match(csp, /default-src 'self'/);
    assert.match(csp, /script-src 'self'(;|$)/);
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
    assert.match(csp, /frame-ancestors 'none'/);
    for (const response of [page, await raw(open, '/api/v1/status')]) {
      assert.equal(response.headers['x-content-type-options'], 'nosniff');
      assert.equal(response.headers['x-frame-options'], 'DENY');
      assert.equal(response.headers['referrer-policy'], 'no-referrer');
    }
  });
});
