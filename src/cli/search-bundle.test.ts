/**
 * The one-shot search runs from the bundled CLI (search-bundle.ts): only `search` does, it answers exactly as the ES
 * modules do, it keeps its code cache, and neither way loads what a search of a SQLite library does not need.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { createGlimpse } from '../glimpse.js';
import { glimpseBin, temporaryDirectory } from '../testing/fixtures.js';
import { BUNDLE_PATH, runsBundled } from './search-bundle.js';

const CAPTIONS = [
  'Three dogs sleeping on a couch',
  'A dog on a couch',
  'A man riding a horse on a beach',
  'Two black horses in a field',
  'A cup of coffee on a saucer',
  'A skate board leaning on a wall',
];

let folder: string;
let db: string;

before(async () => {
  folder = temporaryDirectory();
  db = join(folder, 'library.db');
  const glimpse = await createGlimpse({ db, embedder: null });
  try {
    await glimpse.importDescriptions(
      CAPTIONS.map((caption, index) => ({ path: `/library/${index}.jpg`, caption, tags: index % 2 ? ['pet'] : [] })),
    );
  } finally {
    await glimpse.close();
  }
});

/** Runs bin/glimpse.js; `preload` is a CommonJS file given to --require. */
function glimpse(args: string[], env: Record<string, string> = {}, preload?: string) {
  const result = spawnSync(process.execPath, [...(preload ? ['--require', preload] : []), glimpseBin, ...args], {
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', GLIMPSE_PROVIDER: '', GLIMPSE_EMBEDDER: '', ...env },
    timeout: 60_000,
  });
  assert.equal(result.status, 0, result.stderr);
  return result.stdout;
}

describe('the bundled one-shot search', () => {
  test('runs `search` only, not its help or other commands, and not with GLIMPSE_BUNDLE=0', () => {
    const argv = (...words: string[]) => ['node', 'glimpse', ...words];
    assert.equal(runsBundled(argv('search', 'dog'), {}), process.features.require_module === true);
    if (!process.features.require_module) return;
    assert.equal(runsBundled(argv('--db', 'search', 'search', 'dog'), {}), true, 'a library file named "search"');
    assert.equal(runsBundled(argv('--db', 'x.db', 'status'), {}), false);
    assert.equal(runsBundled(argv('index', 'search'), {}), false);
    assert.equal(runsBundled(argv('search', 'dog', '--help'), {}), false);
    assert.equal(runsBundled(argv('search', 'dog'), { GLIMPSE_BUNDLE: '0' }), false);
  });

  test('finds what the modules find, in the same order with the same scores, as JSON and as text', () => {
    assert.ok(existsSync(BUNDLE_PATH), 'npm run build writes the bundle');
    for (const query of [
      ['dogs', 'on', 'a', 'couch'],
      ['horse'],
      ['skate', 'boards'],
      ['coffe'],
      ['couch', '-three'],
    ]) {
      for (const format of [['--json'], []]) {
        const args = ['search', ...query, '--db', db, ...format];
        // The table's last line says how long the search took.
        const bundled = glimpse(args).replace(/ in [\d.]+ ms/, '');
        assert.equal(bundled, glimpse(args, { GLIMPSE_BUNDLE: '0' }).replace(/ in [\d.]+ ms/, ''), args.join(' '));
        if (format.length) assert.ok(JSON.parse(bundled).results.length > 0, args.join(' '));
      }
    }
  });

  test('keeps V8 code cache beside the bundle, made for this bundle and Node.js', () => {
    glimpse(['search', 'horse', '--db', db]);
    const cache = readFileSync(`${BUNDLE_PATH}.v8cache`);
    const stamp = JSON.parse(cache.toString('utf8', 0, cache.indexOf(10)));
    assert.deepEqual(stamp.slice(0, 2), [process.version, process.arch]);
    assert.equal(stamp[2], readFileSync(BUNDLE_PATH).length);
  });

  test('a search loads neither PostgreSQL nor a provider, nor the built-in modules it does not use', () => {
    const log = join(folder, 'loaded.log');
    const preload = join(folder, 'record-loads.cjs');
    // Records what require() loads (the bundle's packages) and what the ES module loader resolves.
    writeFileSync(
      preload,
      `const Module = require('node:module');
const { appendFileSync } = require('node:fs');
const load = Module._load;
Module._load = function (request, ...rest) {
  appendFileSync(${JSON.stringify(log)}, request + '\\n');
  return load.call(this, request, ...rest);
};
Module.register('data:text/javascript,' + encodeURIComponent(
  'import { appendFileSync } from "node:fs";' +
  'export async function resolve(specifier, context, next) {' +
  '  const resolved = await next(specifier, context);' +
  '  appendFileSync(' + JSON.stringify(${JSON.stringify(log)}) + ', resolved.url + "\\\\n");' +
  '  return resolved;' +
  '}'));
`,
    );
    const forbidden = [
      /(^|\/node_modules\/)(pg|pg-boss|zod|ai|sharp|onnxruntime-node|exiftool-vendored)(\/|$)/,
      /(^|\/node_modules\/)@(ai-sdk|huggingface|tensorflow|modelcontextprotocol)\//,
      // The driver, its thread and migrations (search-terms.js is how search words look in PostgreSQL: text only).
      /\/dist\/storage\/postgres\/(?!search-terms\.js)/,
      /\/dist\/providers\/(?!registry\.js|resolve\.js|options\.js|[a-z-]+\/manifest\.js|local\/model-directory\.js|vision-language\/image-budget\.js)/,
      /\/dist\/(pipeline|images\/(?!limits\.js)|metadata\/read|queue)\//,
      // Built-in modules only indexing, vector files or large libraries use.
      /^(node:)?(crypto|zlib|worker_threads)$/,
    ];
    for (const env of [{}, { GLIMPSE_BUNDLE: '0' }] as Record<string, string>[]) {
      writeFileSync(log, '');
      glimpse(['search', 'dogs', 'on', 'a', 'couch', '--db', db, '--json'], env, preload);
      const loaded = readFileSync(log, 'utf8').split('\n').filter(Boolean);
      assert.ok(
        loaded.some((entry) => /better-sqlite3/.test(entry)),
        'the hooks saw the modules loaded',
      );
      // commander's, for subcommands that are programs of their own: left out of the bundle's start.
      const bundled = env.GLIMPSE_BUNDLE !== '0' && process.features.require_module;
      for (const pattern of bundled ? [...forbidden, /^(node:)?child_process$/] : forbidden) {
        const found = loaded.filter((entry) => pattern.test(entry));
        assert.deepEqual(found, [], `${JSON.stringify(env)}: ${pattern}`);
      }
    }
  });
});
