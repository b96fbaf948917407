/**
 * The HTTP API in-process (Hono's app.request) over a real SQLite store of the sample photos.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createGlimpse } from '../glimpse.js';
import { createRecordingProvider } from '../testing/recording-provider.js';
import { SAMPLES_DIR, type SampleStore, sampleStore } from '../testing/sample-store.js';
import { createApp, type GlimpseApp } from './app.js';
import { openApiDocument } from './openapi.js';

let store: SampleStore;
let app: GlimpseApp;

before(async () => {
  store = await sampleStore();
  app = createApp(store.glimpse, { allowIndex: [store.photos], maxUploadBytes: 2 * 1024 * 1024, log: () => {} });
});
after(async () => {
  await app.close();
  await store.cleanup();
});

const json = (body: unknown, method = 'POST') => ({
  method,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

function upload(
  bytes: Uint8Array,
  name: string,
  fields: Record<string, string> = {},
  type = 'application/octet-stream',
) {
  const form = new FormData();
  form.append('image', new File([new Uint8Array(bytes)], name, { type }));
  for (const [key, value] of Object.entries(fields)) form.append(key, value);
  return { method: 'POST', body: form };
}

async function expectError(response: Response, status: number, code: string, mentions?: RegExp) {
  const body = await response.json();
  assert.equal(response.status, status, JSON.stringify(body));
  assert.equal(body.error.code, code);
  assert.equal(typeof body.error.message, 'string');
  if (mentions) assert.match(body.error.message, mentions);
  return body;
}

function idOf(fileName: string): number {
  return store.glimpse.show(join(store.photos, fileName)).id;
}

describe('OpenAPI document', () => {
  test('lists every API route the app serves, with its method', async () => {
    const response = await app.request('/api/v1/openapi.json');
    assert.equal(response.status, 200);
    const document = await response.json();
    assert.equal(document.openapi, '3.1.0');
    const routes = app.routes.filter((route) => route.path.startsWith('/api/v1/') && route.method !== 'ALL');
    assert.ok(routes.length >= 12, `found ${routes.length} routes`);
    for (const route of routes) {
      const path = route.path.slice('/api/v1'.length).replace(/:(\w+)/g, '{$1}');
      assert.ok(
        document.paths[path]?.[route.method.toLowerCase()],
        `${route.method} ${path} is missing from openapi.json`,
      );
    }
    assert.deepEqual(document, JSON.parse(JSON.stringify(openApiDocument)));
  });
});

describe('search', () => {
  test('finds the cat photo first by what it shows, with why it matched', async () => {
    const response = await app.request('/api/v1/search?q=tabby%20cat');
    assert.equal(response.status, 200);
    const body = await response.json();
    assert.equal(body.query, 'tabby cat');
    assert.match(body.results[0].path, /chelsea\.png$/);
    assert.equal(body.results[0].caption, 'A tabby cat close-up');
    assert.ok(body.results[0].why.fields.length > 0);
    assert.match(body.results[0].snippet, /«/);
  });

  test('filters by tag and has_text', async () => {
    const tagged = await (await app.request('/api/v1/search?q=cup&tag=coffee')).json();
    const wrongTag = await (await app.request('/api/v1/search?q=cup&tag=rocket')).json();
    const text = await (await app.request('/api/v1/search?q=page%20text&has_text=true')).json();
    assert.deepEqual(
      tagged.results.map((result: { path: string }) => result.path.split('/').pop()),
      ['coffee.png'],
    );
    assert.deepEqual(wrongTag.results, []);
    assert.deepEqual(
      text.results.map((result: { path: string }) => result.path.split('/').pop()),
      ['page.png'],
    );
  });

  test('filters by date (date taken, else date added)', async () => {
    const future = await (await app.request('/api/v1/search?q=cat&after=2999-01-01')).json();
    const past = await (await app.request('/api/v1/search?q=cat&before=2999-01-01T00:00:00Z')).json();
    assert.deepEqual(future.results, []);
    assert.match(past.results[0].path, /chelsea\.png$/);
  });

  test('bad parameters get a 400 naming the parameter', async () => {
    await expectError(await app.request('/api/v1/search'), 400, 'USAGE', /q:/);
    await expectError(await app.request('/api/v1/search?q=cat&limit=many'), 400, 'USAGE', /limit/);
    await expectError(await app.request('/api/v1/search?q=cat&limit=0'), 400, 'USAGE', /limit/);
    await expectError(await app.request('/api/v1/search?q=cat&after=yesterday'), 400, 'USAGE', /after.*date/);
    await expectError(await app.request('/api/v1/search?q=cat&has_text=maybe'), 400, 'USAGE', /has_text/);
  });
});

describe('describe', () => {
  test('an uploaded image gets the same JSON as `glimpse caption --json`, without being indexed', async () => {
    const before = store.glimpse.status().images;
    const bytes = await readFile(join(SAMPLES_DIR, 'coffee.png'));
    const response = await app.request('/api/v1/describe', upload(bytes, 'coffee.png', { task: 'caption' }));
    const body = await response.json();
    assert.equal(response.status, 200, JSON.stringify(body));
    assert.equal(body.caption, 'A cup of coffee on a saucer');
    assert.equal(body.provider, 'recording');
    for (const key of ['path', 'caption', 'tags', 'text', 'objects', 'safety', 'provider', 'model', 'ms'])
      assert.ok(key in body, key);
    assert.equal(store.provider.requests.at(-1)?.task, 'caption');
    assert.equal(store.glimpse.status().images, before);
  });

  test('a custom prompt is passed on and answered', async () => {
    const bytes = await readFile(join(SAMPLES_DIR, 'flower.jpg'));
    const response = await app.request(
      '/api/v1/describe',
      upload(bytes, 'flower.jpg', { prompt: 'What colour is the flower?', task: '' }),
    );
    const body = await response.json();
    assert.equal(response.status, 200, JSON.stringify(body));
    assert.equal(body.answer, 'answer to: What colour is the flower?');
    assert.equal(store.provider.requests.at(-1)?.prompt, 'What colour is the flower?');
  });

  test('the type comes from the bytes: a PNG named .txt is described, text named .png is refused', async () => {
    const png = await readFile(join(SAMPLES_DIR, 'chelsea.png'));
    const accepted = await app.request('/api/v1/describe', upload(png, 'notes.txt', {}, 'text/plain'));
    assert.equal(accepted.status, 200);
    const calls = store.provider.requests.length;
    await expectError(
      await app.request(
        '/api/v1/describe',
        upload(Buffer.from('hello, not an image at all'), 'cat.png', {}, 'image/png'),
      ),
      422,
      'NOT_AN_IMAGE',
    );
    const svg = Buffer.from(
      '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>',
    );
    await expectError(
      await app.request('/api/v1/describe', upload(svg, 'cat.png', {}, 'image/png')),
      422,
      'SVG_NOT_ALLOWED', // the one SVG policy of CLI and server: refused unless --allow-svg (hardening.test.ts)
    );
    assert.equal(store.provider.requests.length, calls, 'the provider never saw the refused uploads');
  });

  test('a truncated JPEG is a 422, an empty upload too', async () => {
    const truncated = await readFile(new URL('../../test-support/fixtures/truncated.jpg', import.meta.url));
    const response = await app.request('/api/v1/describe', upload(truncated, 'truncated.jpg'));
    assert.equal(response.status, 422);
    await expectError(await app.request('/api/v1/describe', upload(new Uint8Array(0), 'empty.jpg')), 422, 'EMPTY_FILE');
  });

  test('uploads over the limit get 413', async () => {
    const big = new Uint8Array(3 * 1024 * 1024);
    big.set([0xff, 0xd8, 0xff, 0xe0]);
    await expectError(await app.request('/api/v1/describe', upload(big, 'big.jpg')), 413, 'IMAGE_TOO_LARGE');
  });

  test('bad requests say what is wrong', async () => {
    await expectError(await app.request('/api/v1/describe', json({})), 400, 'USAGE', /url/);
    await expectError(await app.request('/api/v1/describe', json({ url: 'not a url' })), 400, 'USAGE', /url/);
    await expectError(
      await app.request('/api/v1/describe', json({ url: 'https://example.com/a.jpg', task: 'poem' })),
      400,
      'USAGE',
      /task/,
    );
    await expectError(
      await app.request('/api/v1/describe', { method: 'POST', body: 'x', headers: { 'content-type': 'text/plain' } }),
      400,
      'USAGE',
      /multipart/,
    );
    await expectError(
      await app.request('/api/v1/describe', {
        method: 'POST',
        body: '{',
        headers: { 'content-type': 'application/json' },
      }),
      400,
      'USAGE',
      /JSON/,
    );
    const form = new FormData();
    form.append('task', 'caption');
    await expectError(await app.request('/api/v1/describe', { method: 'POST', body: form }), 400, 'USAGE', /image/);
  });

  test('URLs on loopback addresses are refused before any fetch', async () => {
    await expectError(
      await app.request('/api/v1/describe', json({ url: 'http://127.0.0.1:9/cat.jpg' })),
      403,
      'URL_NOT_ALLOWED',
      /allow-private-urls/,
    );
    await expectError(
      await app.request('/api/v1/describe', json({ url: 'http://localhost:9/cat.jpg' })),
      403,
      'URL_NOT_ALLOWED',
    );
  });
});

describe('ask the library (no image)', () => {
  test('a question with no image is answered from the library, citing its images', async () => {
    const response = await app.request('/api/v1/ask', json({ question: 'How many photos show a cup?' }));
    const body = await response.json();
    assert.equal(response.status, 200, JSON.stringify(body));
    assert.equal(body.question, 'How many photos show a cup?');
    assert.equal(body.mode, 'extractive'); // the recording provider has no language model
    assert.match(body.answer, /^1 photo matches "cup"/);
    assert.equal(body.sources.length, 1);
    assert.match(body.sources[0].path, /coffee\.png$/);
    assert.equal(body.sources[0].caption, 'A cup of coffee on a saucer');
    assert.deepEqual(Object.keys(body.sources[0]).sort(), ['caption', 'id', 'path', 'score']);
  });

  test('nothing relevant: a 200 that says so', async () => {
    const response = await app.request('/api/v1/ask', json({ question: 'Is there a photo of a giraffe?' }));
    const body = await response.json();
    assert.equal(body.mode, 'nothing');
    assert.deepEqual(body.sources, []);
  });

  test('bad options are a 400 naming the field', async () => {
    await expectError(await app.request('/api/v1/ask', json({ question: 'dogs?', look: 4 })), 400, 'USAGE', /look/);
    await expectError(await app.request('/api/v1/ask', json({ question: 'dogs?', limit: 0 })), 400, 'USAGE', /limit/);
    await expectError(
      await app.request('/api/v1/ask', json({ question: 'dogs?', colour: 'red' })),
      400,
      'USAGE',
      /colour|unrecognized/i,
    );
    assert.deepEqual(openApiDocument.components.schemas.AskLibraryResult.required, ['question', 'answer', 'sources']);
  });
});

describe('ask', () => {
  test('about an indexed image by id', async () => {
    const id = idOf('chelsea.png');
    const response = await app.request('/api/v1/ask', json({ id, question: 'What animal is this?' }));
    const body = await response.json();
    assert.equal(response.status, 200, JSON.stringify(body));
    assert.equal(body.answer, 'You asked: What animal is this?');
    assert.match(body.path, /chelsea\.png$/);
    assert.equal(store.provider.questions.at(-1)?.question, 'What animal is this?');
  });

  test('about an upload', async () => {
    const bytes = await readFile(join(SAMPLES_DIR, 'rocket.jpg'));
    const response = await app.request('/api/v1/ask', upload(bytes, 'rocket.jpg', { question: 'Is it flying?' }));
    assert.equal(response.status, 200);
    assert.equal((await response.json()).answer, 'You asked: Is it flying?');
  });

  test('needs at most one image and a question (no image asks the library)', async () => {
    await expectError(await app.request('/api/v1/ask', json({ id: 1 })), 400, 'USAGE', /question/);
    await expectError(await app.request('/api/v1/ask', json({ look: 1 })), 400, 'USAGE', /question/);
    await expectError(
      await app.request('/api/v1/ask', json({ id: 1, url: 'https://example.com/x.jpg', question: 'why?' })),
      400,
      'USAGE',
    );
    await expectError(
      await app.request('/api/v1/ask', json({ id: 999999, question: 'why?' })),
      404,
      'IMAGE_NOT_INDEXED',
    );
  });
});

describe('images', () => {
  test('details, thumbnail and original file by id', async () => {
    const id = idOf('chelsea.png');
    const details = await (await app.request(`/api/v1/images/${id}`)).json();
    assert.equal(details.caption, 'A tabby cat close-up');
    assert.equal(details.description.provider, 'recording');
    assert.equal(details.description.objects[0].label, 'cat');

    const thumbnail = await app.request(`/api/v1/images/${id}/thumbnail`);
    assert.equal(thumbnail.headers.get('content-type'), 'image/webp');
    const webp = Buffer.from(await thumbnail.arrayBuffer());
    assert.equal(webp.subarray(8, 12).toString('latin1'), 'WEBP');

    const file = await app.request(`/api/v1/images/${id}/file`);
    assert.equal(file.headers.get('content-type'), 'image/png');
    assert.equal(file.headers.get('x-content-type-options'), 'nosniff');
    assert.deepEqual(Buffer.from(await file.arrayBuffer()), await readFile(join(store.photos, 'chelsea.png')));
  });

  test('a thumbnail is made from the original on first view, then kept', async () => {
    const id = idOf('coffee.png');
    assert.equal(await store.glimpse.thumbnail(id, { read: false }), undefined, 'indexing makes none');
    const response = await app.request(`/api/v1/images/${id}/thumbnail`);
    assert.equal(response.status, 200);
    const webp = Buffer.from(await response.arrayBuffer());
    assert.equal(webp.subarray(8, 12).toString('latin1'), 'WEBP');
    assert.deepEqual(await store.glimpse.thumbnail(id, { read: false }), webp, 'kept for the next view');
  });

  test('unknown and malformed ids are 404', async () => {
    for (const id of ['999999', 'abc', '0', '-1', '1.5']) {
      await expectError(await app.request(`/api/v1/images/${id}`), 404, 'IMAGE_NOT_INDEXED');
      assert.equal((await app.request(`/api/v1/images/${id}/file`)).status, 404);
    }
  });

  test('PATCH keeps the user caption and tags, and search finds the new tag', async () => {
    const id = idOf('horse.png');
    const response = await app.request(
      `/api/v1/images/${id}`,
      json({ caption: 'Black Beauty', tags: ['stallion', 'horse'] }, 'PATCH'),
    );
    const body = await response.json();
    assert.equal(response.status, 200, JSON.stringify(body));
    assert.equal(body.caption, 'Black Beauty');
    assert.deepEqual(body.tags, ['stallion', 'horse']);
    const found = await (await app.request('/api/v1/search?q=stallion')).json();
    assert.equal(found.results[0].id, id);
  });

  test('PATCH validates its body', async () => {
    const id = idOf('horse.png');
    await expectError(await app.request(`/api/v1/images/${id}`, json({}, 'PATCH')), 400, 'USAGE', /caption.*tags/);
    await expectError(
      await app.request(`/api/v1/images/${id}`, json({ tags: 'horse' }, 'PATCH')),
      400,
      'USAGE',
      /tags/,
    );
    await expectError(
      await app.request(`/api/v1/images/${id}`, json({ caption: 'x', owner: 'me' }, 'PATCH')),
      400,
      'USAGE',
      /owner/,
    );
    await expectError(
      await app.request('/api/v1/images/999999', json({ caption: 'x' }, 'PATCH')),
      404,
      'IMAGE_NOT_INDEXED',
    );
  });
});

describe('indexing over HTTP', () => {
  test('a folder under an allowed root is indexed, with progress as server-sent events', async () => {
    const response = await app.request('/api/v1/index', json({ path: store.photos, force: true }));
    const body = await response.json();
    assert.equal(response.status, 202, JSON.stringify(body));
    assert.equal(body.events, `/api/v1/jobs/${body.job.id}/events`);
    const stream = await app.request(body.events);
    assert.equal(stream.headers.get('content-type'), 'text/event-stream');
    const text = await stream.text(); // ends when the job does
    const events = [...text.matchAll(/event: (\w+)\ndata: (.*)\n/g)].map(([, event, data]) => ({
      event,
      data: JSON.parse(data),
    }));
    assert.equal(events[0].data.type, 'discovered');
    assert.equal(events.filter((event) => event.data.type === 'image').length, 9);
    assert.equal(events.at(-1)?.event, 'done');
    assert.equal(events.at(-1)?.data.indexed, 9);
    const job = await (await app.request(`/api/v1/jobs/${body.job.id}`)).json();
    assert.equal(job.state, 'done');
    // A late client gets the whole history again, and Last-Event-ID resumes after what it saw.
    const resumed = await (await app.request(body.events, { headers: { 'Last-Event-ID': '10' } })).text();
    assert.deepEqual(
      [...resumed.matchAll(/id: (\d+)/g)].map(([, id]) => Number(id)),
      [11],
    );
  });

  test('folders outside the allowed roots are refused', async () => {
    await expectError(await app.request('/api/v1/index', json({ path: '/etc' })), 403, 'PATH_NOT_ALLOWED');
    await expectError(
      await app.request('/api/v1/index', json({ path: `${store.photos}/../..` })),
      403,
      'PATH_NOT_ALLOWED',
    );
    await expectError(await app.request('/api/v1/index', json({ path: 'photos' })), 400, 'USAGE', /absolute/);
    await expectError(await app.request('/api/v1/index', json({})), 400, 'USAGE', /path/);
    await expectError(await app.request('/api/v1/jobs/nope/events'), 404, 'NOT_FOUND');
  });

  test('without --allow-index, indexing over HTTP is off', async () => {
    const closed = createApp(store.glimpse, {});
    await expectError(
      await closed.request('/api/v1/index', json({ path: store.photos })),
      403,
      'PATH_NOT_ALLOWED',
      /allow-index/,
    );
  });
});

describe('status and errors', () => {
  test('status reports the store', async () => {
    const body = await (await app.request('/api/v1/status')).json();
    assert.equal(body.images, 9);
    assert.equal(body.described, 9);
    assert.equal(body.indexingAllowed, true);
  });

  test('provider failures map to 5xx statuses with their code', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'glimpse-api-errors-'));
    const provider = createRecordingProvider({
      failures: {
        'slow.png': 'PROVIDER_TIMEOUT',
        'busy.png': 'PROVIDER_RATE_LIMITED',
        'down.png': 'PROVIDER_UNAVAILABLE',
        'auth.png': 'PROVIDER_AUTH',
      },
    });
    const glimpse = await createGlimpse({ db: join(dir, 'errors.db'), provider, embedder: null });
    try {
      const failing = createApp(glimpse);
      const bytes = await readFile(join(SAMPLES_DIR, 'chelsea.png'));
      const expected = {
        'slow.png': [504, 'PROVIDER_TIMEOUT'],
        'busy.png': [503, 'PROVIDER_RATE_LIMITED'],
        'down.png': [503, 'PROVIDER_UNAVAILABLE'],
        'auth.png': [502, 'PROVIDER_AUTH'],
      } as const;
      for (const [name, [status, code]] of Object.entries(expected)) {
        await expectError(
          await failing.request('/api/v1/describe', upload(bytes, name)),
          status,
          code,
          new RegExp(name.replace('.', '\\.')),
        );
      }
    } finally {
      await glimpse.close();
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('unknown routes are JSON 404s', async () => {
    await expectError(await app.request('/api/v1/nothing-here'), 404, 'NOT_FOUND');
  });

  test('unexpected errors become a 500 without a stack trace or detail', async () => {
    const logged: string[] = [];
    const broken = createApp(
      {
        ...store.glimpse,
        status: () => {
          throw new Error('secret detail at /home/user/.config');
        },
      },
      { log: (message) => logged.push(message) },
    );
    const response = await broken.request('/api/v1/status');
    const text = await response.text();
    assert.equal(response.status, 500);
    assert.equal(JSON.parse(text).error.code, 'INTERNAL');
    assert.doesNotMatch(text, /secret detail|\.config|at .*\.js/);
    assert.match(logged.join('\n'), /secret detail/, 'the detail goes to the server log');
  });
});
