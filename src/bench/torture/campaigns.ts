/**
 * The campaign's parts. Each returns rows for the table: how many tries, which failed and why, peak memory.
 * Everything runs the real `glimpse` binary in child processes against real SQLite files; the model is a fast
 * recording provider module that logs each call to a file (so calls are counted across processes).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { glimpseBin, writeProviderModule } from '../../testing/fixtures.js';
import { seededRandom } from '../vocabulary.js';
import { glimpseEnv, howItEnded, liveChildren, memoryOf, runGlimpse } from './child.js';
import { writeDistinctPhotos, writeHostileFiles } from './hostile-files.js';

export interface Row {
  part: string;
  what: string;
  tries: number;
  failures: string[];
  peakMb: number;
}

export interface CampaignSettings {
  root: string;
  seed: number;
  fuzzCount: number;
  kills: number;
  killImages: number;
  concurrentRounds: number;
  indexTimeoutMs: number;
  memoryCapMb: number;
  log: (text: string) => void;
}

function calls(dir: string): string[] {
  const path = join(dir, 'calls.log');
  return existsSync(path) ? readFileSync(path, 'utf8').split('\n').filter(Boolean) : [];
}

interface IndexJson {
  indexed: number;
  unchanged: number;
  failed: number;
  failures: { path: string; error: { code: string; message: string } }[];
}

// ---- hostile files ----------------------------------------------------------------------------------------

export async function hostileFiles(settings: CampaignSettings): Promise<Row[]> {
  const dir = join(settings.root, 'hostile');
  mkdirSync(dir, { recursive: true });
  const provider = writeProviderModule(dir);
  const rows: Row[] = [];
  for (const folder of writeHostileFiles(join(dir, 'files'), settings.seed, settings.fuzzCount)) {
    const db = join(dir, `${folder.kind}.db`);
    const result = await runGlimpse(['index', folder.folder, '--db', db, '--provider', provider, '--json'], {
      timeoutMs: settings.indexTimeoutMs,
      memoryCapMb: settings.memoryCapMb,
    });
    const failures: string[] = [];
    if (result.timedOut || result.overMemory || (result.code !== 0 && result.code !== 2)) {
      failures.push(`index ${howItEnded(result)}`);
    } else {
      let summary: IndexJson | undefined;
      try {
        summary = JSON.parse(result.stdout);
      } catch {
        failures.push(`--json stdout is not JSON: ${JSON.stringify(result.stdout.slice(0, 120))}`);
      }
      for (const failure of summary?.failures ?? []) {
        if (failure.error.code === 'INTERNAL')
          failures.push(`${failure.path.split('/').at(-1)}: INTERNAL (${failure.error.message.slice(0, 100)})`);
      }
      const check = new Database(db, { readonly: true });
      const images = check.prepare('SELECT path, sha256, format FROM images').all() as {
        path: string;
        sha256: string;
        format: string;
      }[];
      check.close();
      for (const image of images.filter((image) => image.format === 'svg'))
        failures.push(`${image.path.split('/').at(-1)}: SVG rendered and indexed without being allowed`);
      const distinct = new Set(images.map((image) => image.sha256)).size;
      if (distinct < folder.validImages) failures.push(`${distinct} of ${folder.validImages} valid images indexed`);
      if (images.length > distinct && folder.kind !== 'odd-names')
        failures.push(`${images.length - distinct} image(s) indexed twice under another path`);
    }
    // Named on the command line too: `glimpse index x.jpg` and `glimpse caption x.jpg` must end, with a clear error.
    let peakMb = result.peakMb;
    for (const path of folder.direct) {
      for (const args of [
        ['index', path, '--db', db, '--provider', provider, '--json'],
        ['caption', path, '--provider', provider, '--json'],
      ]) {
        const direct = await runGlimpse(args, { timeoutMs: 20_000, memoryCapMb: 1024 });
        peakMb = Math.max(peakMb, direct.peakMb);
        const name = `${args[0]} ${path.split('/').at(-1)}`;
        if (direct.timedOut || direct.overMemory || direct.signal) failures.push(`${name}: ${howItEnded(direct)}`);
        else if (/This is a bug in Glimpse|"INTERNAL"/.test(direct.stdout + direct.stderr))
          failures.push(`${name}: reported as INTERNAL`);
        else if (direct.stdout.trim() && !isJson(direct.stdout))
          failures.push(`${name}: --json stdout is not JSON: ${JSON.stringify(direct.stdout.slice(0, 80))}`);
      }
    }
    settings.log(`hostile ${folder.kind}: ${failures.length ? failures.join('; ') : 'ok'} (${result.ms} ms)`);
    rows.push({
      part: 'hostile files',
      what: folder.item === 'fuzz' ? `${folder.kind} (fuzz)` : `${folder.kind} (item ${folder.item})`,
      tries: folder.entries + 2 * folder.direct.length,
      failures,
      peakMb,
    });
  }
  return rows;
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

// ---- kill -9 at random points -------------------------------------------------------------------------------

export async function killsAndConsistency(settings: CampaignSettings): Promise<Row[]> {
  const random = seededRandom(settings.seed + 1);
  const dir = join(settings.root, 'kills');
  const photos = join(dir, 'photos');
  let images = writeDistinctPhotos(photos, settings.killImages).length;
  const provider = writeProviderModule(dir, { latencyMs: 250 });
  const db = join(dir, 'glimpse.db');
  const args = ['index', photos, '--db', db, '--provider', provider, '--concurrency', '4'];
  const failures: string[] = [];
  let peakMb = 0;
  let killed = 0;
  for (let kill = 0; kill < settings.kills; kill++) {
    // New photos arrive before each run, so every run has describing to do when it is killed.
    if (kill > 0) images += writeDistinctPhotos(photos, 8, `new-${kill}`).length;
    // A random point: from process start-up (opening, migrating) to well into describing.
    const afterMs = Math.round(100 + random() * 1900);
    const result = await runGlimpse(args, {
      timeoutMs: settings.indexTimeoutMs,
      onStart: (child) => setTimeout(() => child.kill('SIGKILL'), afterMs),
    });
    peakMb = Math.max(peakMb, result.peakMb);
    if (result.signal === 'SIGKILL' && !result.timedOut) killed++;
    else if (result.code !== 0) failures.push(`run ${kill + 1}: ${howItEnded(result)}`);
  }
  const final = await runGlimpse([...args, '--json'], { timeoutMs: settings.indexTimeoutMs });
  peakMb = Math.max(peakMb, final.peakMb);
  if (final.code !== 0) failures.push(`the run after the kills: ${howItEnded(final)}`);
  failures.push(...consistencyProblems(db, images));
  const described = calls(dir).length;
  // A kill loses at most the images in flight (4 at a time).
  if (described > images + 4 * killed)
    failures.push(`${described} model calls for ${images} images and ${killed} kills (more than in-flight work)`);
  settings.log(`kills: ${killed} killed, ${described} calls; ${failures.length ? failures.join('; ') : 'consistent'}`);
  return [
    {
      part: 'kill -9',
      what: `${killed} of ${settings.kills} runs of index killed (${images} images), then check`,
      tries: settings.kills + 1,
      failures,
      peakMb,
    },
  ];
}

/** Every image has its description and its search row; integrity_check is ok; no run left open or claim left held. */
export function consistencyProblems(db: string, images: number): string[] {
  const problems: string[] = [];
  const check = new Database(db, { readonly: true });
  try {
    const count = (sql: string) => (check.prepare(sql).get() as { n: number }).n;
    const integrity = check.pragma('integrity_check', { simple: true });
    if (integrity !== 'ok') problems.push(`integrity_check: ${integrity}`);
    const rows = count('SELECT count(*) AS n FROM images');
    if (rows !== images) problems.push(`${rows} image rows for ${images} files`);
    const undescribed = count('SELECT count(*) AS n FROM images WHERE sha256 NOT IN (SELECT sha256 FROM descriptions)');
    if (undescribed) problems.push(`${undescribed} images without a description`);
    const unsearchable = count('SELECT count(*) AS n FROM images WHERE id NOT IN (SELECT rowid FROM search_index)');
    if (unsearchable) problems.push(`${unsearchable} images without a search row`);
    const orphans = count('SELECT count(*) AS n FROM search_index WHERE rowid NOT IN (SELECT id FROM images)');
    if (orphans) problems.push(`${orphans} search rows without an image`);
    const columns = (check.prepare('PRAGMA table_info(runs)').all() as { name: string }[]).map(({ name }) => name);
    const marked = columns.includes('interrupted_at') ? 'AND interrupted_at IS NULL' : '';
    const open = count(`SELECT count(*) AS n FROM runs WHERE finished_at IS NULL ${marked}`);
    if (open) problems.push(`${open} killed runs left open (not marked interrupted)`);
    if (check.prepare("SELECT 1 FROM sqlite_master WHERE name = 'claims'").get()) {
      const held = count('SELECT count(*) AS n FROM claims');
      if (held) problems.push(`${held} claims left held`);
    }
  } catch (error) {
    problems.push(`checking the database: ${(error as Error).message}`);
  } finally {
    check.close();
  }
  return problems;
}

// ---- concurrent indexers ------------------------------------------------------------------------------------

export async function concurrentIndexers(settings: CampaignSettings): Promise<Row[]> {
  const failures: string[] = [];
  let peakMb = 0;
  const processes = 3;
  const images = 12;
  for (let round = 0; round < settings.concurrentRounds; round++) {
    const dir = join(settings.root, `concurrent-${round}`);
    const photos = join(dir, 'photos');
    writeDistinctPhotos(photos, images);
    const provider = writeProviderModule(dir, { latencyMs: 60 });
    // A new database each round: the processes also race to create and migrate it.
    const db = join(dir, 'new.db');
    const results = await Promise.all(
      Array.from({ length: processes }, () =>
        runGlimpse(['index', photos, '--db', db, '--provider', provider, '--concurrency', '2', '--json'], {
          timeoutMs: settings.indexTimeoutMs,
        }),
      ),
    );
    for (const [index, result] of results.entries()) {
      peakMb = Math.max(peakMb, result.peakMb);
      if (result.code !== 0) failures.push(`round ${round + 1}, process ${index + 1}: ${howItEnded(result)}`);
    }
    const described = calls(dir);
    if (described.length !== images)
      failures.push(`round ${round + 1}: ${described.length} model calls for ${images} images`);
    failures.push(...consistencyProblems(db, images).map((problem) => `round ${round + 1}: ${problem}`));
  }
  settings.log(`concurrent: ${failures.length ? failures.join('; ') : 'ok'}`);
  return [
    {
      part: 'concurrency',
      what: `${processes} indexers at once on a new database (items 4, 5)`,
      tries: settings.concurrentRounds * processes,
      failures,
      peakMb,
    },
  ];
}

// ---- server attacks -----------------------------------------------------------------------------------------

interface Reply {
  status: number;
  body: string;
  ms: number;
}

/** A raw HTTP request (no URL normalising, any Host header), with a time limit. */
function send(
  port: number,
  method: string,
  path: string,
  options: { headers?: Record<string, string>; body?: Buffer | string; timeoutMs?: number } = {},
): Promise<Reply> {
  const started = performance.now();
  return new Promise((resolve) => {
    // A server that refuses an upload answers and closes while the body is still being sent: the answer counts
    // even when writing the rest then fails (EPIPE, ECONNRESET).
    let status = -1;
    const chunks: Buffer[] = [];
    const done = (fallback?: string) =>
      resolve({
        status,
        body: fallback ?? Buffer.concat(chunks).toString('utf8'),
        ms: performance.now() - started,
      });
    const req = request(
      {
        host: '127.0.0.1',
        port,
        method,
        path,
        agent: false,
        headers: { host: `127.0.0.1:${port}`, ...options.headers },
      },
      (res) => {
        status = res.statusCode ?? -1;
        res.on('data', (chunk) => chunks.push(chunk));
        res.on('end', () => done());
        res.on('error', () => done());
      },
    );
    req.setTimeout(options.timeoutMs ?? 10_000, () => {
      req.destroy();
      status = 0;
      done('timed out');
    });
    req.on('error', (error) => setTimeout(() => done(status === -1 ? error.message : undefined), 50));
    const body = options.body === undefined ? undefined : Buffer.from(options.body);
    if (!body || body.length <= 256 * 1024) {
      req.end(body);
      return;
    }
    // Large bodies go in pieces, as a real client sends them, and stop once the server has answered.
    let offset = 0;
    const next = () => {
      if (status !== -1 || req.destroyed) return;
      if (offset >= body.length) return void req.end();
      const piece = body.subarray(offset, offset + 64 * 1024);
      offset += piece.length;
      if (req.write(piece)) setImmediate(next);
      else req.once('drain', next);
    };
    next();
  });
}

async function startServer(args: string[]): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(process.execPath, [glimpseBin, 'serve', '--port', '0', ...args], {
    env: glimpseEnv(),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  liveChildren.add(child);
  child.on('close', () => liveChildren.delete(child));
  let output = '';
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the server did not start: ${output}`)), 30_000);
    const read = (chunk: Buffer) => {
      output += chunk;
      const match = /http:\/\/127\.0\.0\.1:(\d+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    };
    child.stdout!.on('data', read);
    child.stderr!.on('data', read);
    child.on('exit', () => reject(new Error(`the server exited: ${output}`)));
  });
  return { child, port };
}

export async function serverAttacks(settings: CampaignSettings): Promise<Row[]> {
  const dir = join(settings.root, 'server');
  const allowed = join(dir, 'allowed');
  const outside = join(dir, 'outside');
  const photos = join(allowed, 'photos');
  writeDistinctPhotos(photos, 3, 'served');
  writeDistinctPhotos(outside, 4, 'secret');
  symlinkSync(outside, join(allowed, 'escape'));
  const provider = writeProviderModule(dir);
  const db = join(dir, 'glimpse.db');
  const indexed = await runGlimpse(['index', photos, '--db', db, '--provider', provider]);
  if (indexed.code !== 0) throw new Error(`indexing for the server failed: ${howItEnded(indexed)}`);

  const { child, port } = await startServer([
    '--db',
    db,
    '--provider',
    provider,
    '--allow-index',
    allowed,
    '--max-upload-mb',
    '1',
  ]);
  const rows: Row[] = [];
  const row = (what: string, tries: number, failures: string[]) =>
    rows.push({ part: 'server', what, tries, failures, peakMb: Math.round(memoryOf(child.pid!).peakMb) });
  const serious = (reply: Reply) =>
    reply.status >= 500 || reply.status <= 0 || /root:x:0:0|"name": "glimpse"|secret-\d/.test(reply.body);
  try {
    // Path traversal: nothing outside the indexed images and the app's own files, never a 5xx.
    const traversals = [
      '/../../../../etc/passwd',
      '/%2e%2e/%2e%2e/%2e%2e/etc/passwd',
      '/assets/..%2f..%2f..%2fpackage.json',
      '/assets/%2e%2e/%2e%2e/package.json',
      '/assets/....//....//package.json',
      '//etc/passwd',
      '/api/v1/images/..%2f..%2fetc%2fpasswd/file',
      '/api/v1/images/%2e%2e/file',
      '/api/v1/images/1%00/file',
      '/api/v1/images/-1/file',
      '/api/v1/images/0x1/file',
      '/api/v1/images/99999999999999999999/file',
      '/api/v1/images/1/file/../../../../etc/passwd',
      '/api/v1/images/1/thumbnail%00.png',
      '/%00',
      `/api/v1/images/${'9'.repeat(5000)}`,
    ];
    const traversalFailures: string[] = [];
    for (const path of traversals) {
      const reply = await send(port, 'GET', path);
      if (serious(reply)) traversalFailures.push(`GET ${path.slice(0, 60)} → ${reply.status}`);
    }
    for (const target of ['/etc', join(allowed, '..'), `${allowed}/../outside`, join(allowed, 'escape')]) {
      const reply = await send(port, 'POST', '/api/v1/index', {
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ path: target }),
      });
      if (reply.status !== 403 && reply.status !== 400)
        traversalFailures.push(`POST /index ${target} → ${reply.status}, not refused`);
    }
    row('path traversal (URLs and /index)', traversals.length + 4, traversalFailures);

    // A folder link out of the allowed root (item 3): indexing the root must not take in, or serve, the outside.
    const escapeFailures: string[] = [];
    const job = await send(port, 'POST', '/api/v1/index', {
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ path: allowed }),
    });
    if (job.status === 202) {
      const id = JSON.parse(job.body).job.id;
      let state = 'queued';
      for (let wait = 0; wait < 300 && (state === 'queued' || state === 'running'); wait++) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        const body = JSON.parse((await send(port, 'GET', `/api/v1/jobs/${id}`)).body);
        state = (body.job ?? body).state;
      }
      if (state !== 'done' && state !== 'failed') escapeFailures.push(`the index job did not end (${state})`);
    } else escapeFailures.push(`POST /index of the allowed root → ${job.status}`);
    const check = new Database(db, { readonly: true });
    const escaped = check.prepare("SELECT id FROM images WHERE file_name LIKE 'secret-%'").all() as { id: number }[];
    check.close();
    if (escaped.length) escapeFailures.push(`${escaped.length} files from outside the allowed root indexed`);
    for (const { id } of escaped) {
      const reply = await send(port, 'GET', `/api/v1/images/${id}/file`);
      if (reply.status === 200) escapeFailures.push(`image ${id} from outside the allowed root served`);
    }
    row('folder link out of --allow-index (item 3)', 1, escapeFailures);

    // Host and Origin: DNS rebinding and cross-site writes.
    const hostFailures: string[] = [];
    // (A browser always sends the name it resolved: rebinding shows as a foreign name, never as no name.)
    for (const host of [
      'evil.example',
      '127.0.0.1.evil.example',
      'localhost.evil.example:80',
      `evil.example:${port}`,
    ]) {
      const reply = await send(port, 'GET', '/api/v1/status', { headers: { host } });
      if (reply.status !== 403 && reply.status !== 400) hostFailures.push(`Host "${host}" → ${reply.status}`);
    }
    for (const origin of ['https://evil.example', 'null', `http://127.0.0.1.evil.example:${port}`]) {
      for (const [method, path, body] of [
        ['POST', '/api/v1/index', JSON.stringify({ path: photos })],
        ['PATCH', '/api/v1/images/1', JSON.stringify({ caption: 'pwned' })],
      ]) {
        const reply = await send(port, method, path, {
          headers: { origin, 'content-type': 'application/json' },
          body,
        });
        if (reply.status !== 403) hostFailures.push(`${method} ${path} from Origin ${origin} → ${reply.status}`);
      }
    }
    row('Host and Origin', 10, hostFailures);

    // NUL and control-character queries (item 10).
    const queryFailures: string[] = [];
    for (const q of ['%00%00', '%00', '%01%02%1B', '%00%20%0A%0D', '%7F']) {
      const reply = await send(port, 'GET', `/api/v1/search?q=${q}`);
      if (reply.status !== 400) queryFailures.push(`q=${q} → ${reply.status}`);
    }
    const split = await send(port, 'GET', '/api/v1/search?q=picture%00called');
    if (split.status !== 200) queryFailures.push(`q=picture%00called → ${split.status}`);
    row('NUL and control-character queries (item 10)', 6, queryFailures);

    // Oversized bodies: refused before they are read whole. The refusal is a 413, or, when the server closes the
    // connection right after answering while the upload is still coming, the connection cut short (the kernel may
    // then drop the answer); never a 2xx or a 5xx, and the server still answers afterwards.
    const bodyFailures: string[] = [];
    const big = Buffer.alloc(3 * 1024 * 1024, 0x41);
    const refused = (reply: Reply) =>
      reply.status === 413 || (reply.status === -1 && /hang up|ECONNRESET|EPIPE/.test(reply.body));
    const oversized: [string, string, Record<string, string>][] = [
      ['POST', '/api/v1/describe', { 'content-type': 'application/octet-stream' }],
      ['POST', '/api/v1/describe', { 'content-type': 'multipart/form-data; boundary=x' }],
      ['POST', '/api/v1/index', { 'content-type': 'application/json' }],
      ['PATCH', '/api/v1/images/1', { 'content-type': 'application/json' }],
      ['PATCH', '/api/v1/images/1', { 'content-type': 'application/json', 'transfer-encoding': 'chunked' }],
    ];
    for (const [method, path, headers] of oversized) {
      const reply = await send(port, method, path, { headers, body: big });
      if (!refused(reply))
        bodyFailures.push(
          `${method} ${path} (${headers['transfer-encoding'] ?? 'sized'}) with 3 MB → ${reply.status} ${reply.body.slice(0, 80)}`,
        );
    }
    const after = await send(port, 'GET', '/api/v1/status');
    if (after.status !== 200) bodyFailures.push(`the server after the oversized bodies → ${after.status}`);
    row('oversized bodies', 5, bodyFailures);

    // An indexed file replaced by a FIFO (item 2): its requests end, and other images are still served.
    const fifoFailures: string[] = [];
    const check2 = new Database(db, { readonly: true });
    const [victim, other] = check2
      .prepare("SELECT id, path FROM images WHERE file_name LIKE 'served-%' ORDER BY id")
      .all() as {
      id: number;
      path: string;
    }[];
    check2.close();
    rmSync(victim.path);
    spawn('mkfifo', [victim.path]).on('error', () => undefined);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const stuck = await Promise.all(
      Array.from({ length: 6 }, () => send(port, 'GET', `/api/v1/images/${victim.id}/file`, { timeoutMs: 8000 })),
    );
    const hung = stuck.filter((reply) => reply.status === 0).length;
    if (hung) fifoFailures.push(`${hung} of 6 requests for a FIFO hung`);
    const others = await Promise.all([
      send(port, 'GET', `/api/v1/images/${other.id}/file`, { timeoutMs: 5000 }),
      send(port, 'GET', `/api/v1/images/${other.id}/thumbnail`, { timeoutMs: 5000 }),
    ]);
    for (const reply of others)
      if (reply.status !== 200) fifoFailures.push(`another image meanwhile → ${reply.status || 'timed out'}`);
    row('indexed file replaced by a FIFO (item 2)', 8, fifoFailures);
  } finally {
    child.kill('SIGKILL');
  }
  settings.log(
    `server: ${rows.map((r) => `${r.what}: ${r.failures.length ? r.failures.join('; ') : 'ok'}`).join(' | ')}`,
  );
  return rows;
}
