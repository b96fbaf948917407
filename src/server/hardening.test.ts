/**
 * The server against file-system tricks (issue 18, items 2, 3, 8): an indexed file replaced by a FIFO, a link out
 * of an --allow-index root, and SVG uploads. A real store of the sample photos; requests through Hono's app.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { closeSync, constants, copyFileSync, mkdirSync, openSync, rmSync, symlinkSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { setImageLimits } from '../images/limits.js';
import { sample, temporaryDirectory } from '../testing/fixtures.js';
import { type SampleStore, sampleStore } from '../testing/sample-store.js';
import { createApp, type GlimpseApp } from './app.js';

let store: SampleStore;
let app: GlimpseApp;
const fifos: string[] = [];

before(async () => {
  store = await sampleStore();
  app = createApp(store.glimpse, { allowIndex: [store.photos], maxUploadBytes: 2 * 1024 * 1024, log: () => {} });
});
after(async () => {
  // Should a reader still wait on a FIFO (the bug this guards against), give it a writer so the process can end.
  for (const fifo of fifos) {
    try {
      closeSync(openSync(fifo, constants.O_WRONLY | constants.O_NONBLOCK));
    } catch {}
  }
  await app.close();
  await store.cleanup();
});

const idOf = (fileName: string) => store.glimpse.show(join(store.photos, fileName)).id;

/** The response, or a failure after `ms`: a request that hangs must fail the test, not stall it. */
async function within(ms: number, request: Promise<Response> | Response): Promise<Response> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([request, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

describe('an indexed file replaced by a FIFO', () => {
  test('/file and /thumbnail answer an error at once and other images are still served', async () => {
    const id = idOf('horse.png');
    const path = join(store.photos, 'horse.png');
    rmSync(path);
    execFileSync('mkfifo', [path]);
    fifos.push(path);
    // More requests than Node has file threads (4): none may take a thread and wait for a writer.
    const answers = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        within(3000, app.request(`/api/v1/images/${id}/${i % 2 ? 'thumbnail' : 'file'}`)),
      ),
    );
    for (const response of answers) {
      const body = await response.json();
      assert.equal(response.status, 422, JSON.stringify(body));
      assert.equal(body.error.code, 'NOT_A_FILE');
      assert.match(body.error.message, new RegExp(`Image ${id}: is a FIFO`));
    }
    const other = await within(3000, app.request(`/api/v1/images/${idOf('rocket.jpg')}/file`));
    assert.equal(other.status, 200);
    assert.deepEqual(Buffer.from(await other.arrayBuffer()), await readFile(join(store.photos, 'rocket.jpg')));
    const thumbnail = await within(3000, app.request(`/api/v1/images/${idOf('china.jpg')}/thumbnail`));
    assert.equal(thumbnail.status, 200);
  });
});

describe('--allow-index and links out of the root', () => {
  test('indexing over HTTP does not follow a link out of the root; such files are not served', async () => {
    const outside = temporaryDirectory('glimpse-outside-');
    copyFileSync(sample('coffee.png'), join(outside, 'outside-secret.png'));
    mkdirSync(join(outside, 'deeper'));
    copyFileSync(sample('chelsea.png'), join(outside, 'deeper', 'outside-deeper.png'));
    symlinkSync(outside, join(store.photos, 'escape'));
    try {
      const started = await (await app.request('/api/v1/index', json({ path: store.photos }))).json();
      let job = started.job;
      while (job.state === 'queued' || job.state === 'running') {
        await new Promise((resolve) => setTimeout(resolve, 50));
        job = await (await app.request(`/api/v1/jobs/${job.id}`)).json();
      }
      assert.equal(job.state, 'done', JSON.stringify(job));
      const failures = job.summary.failures.map((failure: { path: string; error: { code: string } }) => [
        failure.path,
        failure.error.code,
      ]);
      assert.deepEqual(
        failures.filter(([path]: string[]) => path.includes('escape')),
        [[join(store.photos, 'escape'), 'PATH_NOT_ALLOWED']],
      );
      assert.throws(() => store.glimpse.show(join(store.photos, 'escape', 'outside-secret.png')), /not in the index/);

      // Indexed another way (the CLI follows links wherever they go), the file is still not served by a server
      // whose root it only seems to be under.
      await store.glimpse.index([store.photos]);
      const escaped = store.glimpse.show(join(store.photos, 'escape', 'outside-secret.png')).id;
      const response = await app.request(`/api/v1/images/${escaped}/file`);
      const body = await response.json();
      assert.equal(response.status, 404, JSON.stringify(body));
      assert.match(body.error.message, /outside the allowed roots/);
      assert.equal((await app.request(`/api/v1/images/${escaped}/thumbnail`)).status, 404);
      // A server without --allow-index serves what the CLI indexed from the image's own folder.
      const plain = createApp(store.glimpse, { allowIndex: [], log: () => {} });
      assert.equal((await plain.request(`/api/v1/images/${escaped}/file`)).status, 200);
      await plain.close();
    } finally {
      rmSync(join(store.photos, 'escape'));
    }
  });
});

describe('SVG', () => {
  const svg = Buffer.from(
    '<svg xmlns="http://www.w3.org/2000/svg" width="9000" height="9000"><rect width="9000" height="9000" fill="#c33"/></svg>',
  );
  const uploadSvg = (name: string) => {
    const form = new FormData();
    form.append('image', new File([new Uint8Array(svg)], name, { type: 'image/png' }));
    return app.request('/api/v1/describe', { method: 'POST', body: form });
  };

  test('is refused unless allowed, whatever its name', async () => {
    const response = await uploadSvg('not-really.png');
    const body = await response.json();
    assert.equal(response.status, 422, JSON.stringify(body));
    assert.equal(body.error.code, 'SVG_NOT_ALLOWED');
    assert.match(body.error.message, /--allow-svg/);
  });

  test('when allowed, is rendered small and fast, and never with external resources', async () => {
    const previous = setImageLimits({ allowSvg: true });
    try {
      const started = performance.now();
      const response = await uploadSvg('big.svg');
      assert.equal(response.status, 200, await response.clone().text());
      assert.ok(performance.now() - started < 1500, 'rendered at the provider size, not 9000×9000');
      const { image } = store.provider.requests.at(-1)!;
      assert.ok(Math.max(image.width, image.height) <= 1024, `${image.width}×${image.height}`);

      const form = new FormData();
      const external = `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="10" height="10"><image xlink:href="file://${sample('chelsea.png')}" width="10" height="10"/></svg>`;
      form.append('image', new File([external], 'external.svg'));
      const refused = await app.request('/api/v1/describe', { method: 'POST', body: form });
      const body = await refused.json();
      assert.equal(refused.status, 422, JSON.stringify(body));
      assert.equal(body.error.code, 'SVG_NOT_ALLOWED');
      assert.match(body.error.message, /external/);
    } finally {
      setImageLimits(previous);
    }
  });
});

function json(body: unknown) {
  return { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
}
