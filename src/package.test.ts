/**
 * The published package, as a user gets it: `npm pack`, the tarball laid out in a fresh project's node_modules the
 * way npm installs it, then the README's library example run from an ES module and a strict TypeScript file
 * type-checked against the package's own declarations. Dependencies are linked from this checkout's node_modules
 * (a test may not download); everything of Glimpse's own comes from the tarball.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { before, describe, test } from 'node:test';
import sharp from 'sharp';
import { repoRoot, sample, temporaryDirectory } from './testing/fixtures.js';

const manifest = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as {
  dependencies: Record<string, string>;
};
const project = temporaryDirectory('glimpse-package-');
let packed: string[] = [];

before(() => {
  // --ignore-scripts: `npm test` has just built dist/; packing must not rebuild it under the running tests.
  const output = execFileSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', project], {
    cwd: repoRoot,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const [result] = JSON.parse(output) as { filename: string; files: { path: string }[] }[];
  packed = result.files.map((file) => file.path);
  const installed = join(project, 'node_modules', 'glimpse');
  mkdirSync(installed, { recursive: true });
  execFileSync('tar', ['-xzf', join(project, result.filename), '-C', installed, '--strip-components=1']);
  const link = (name: string) => {
    const target = join(project, 'node_modules', name);
    mkdirSync(dirname(target), { recursive: true });
    symlinkSync(join(repoRoot, 'node_modules', name), target, 'dir');
  };
  for (const name of Object.keys(manifest.dependencies)) link(name);
  for (const name of ['typescript', '@types/node']) link(name);
  // npm links an installed package's bin into node_modules/.bin.
  mkdirSync(join(project, 'node_modules', '.bin'));
  symlinkSync('../glimpse/bin/glimpse.js', join(project, 'node_modules', '.bin', 'glimpse'));
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
});

describe('the npm package', () => {
  test('holds what a user needs, and no tests, test helpers, benchmarks or sources', () => {
    for (const needed of [
      'package.json',
      'README.md',
      'bin/glimpse.js',
      'dist/index.js',
      'dist/index.d.ts',
      'dist/cli/main.js',
    ]) {
      assert.ok(packed.includes(needed), `${needed} is in the tarball`);
    }
    assert.ok(
      packed.some((path) => path.startsWith('dist/search/wordnet-lemmas.')),
      'the WordNet tables the build writes',
    );
    const unwanted = packed.filter((path) =>
      /\.test\.|^dist\/testing\/|^dist\/bench\/|^src\/|^samples\/|^test-support\/|^scripts\/|\.map$|\.db$/.test(path),
    );
    assert.deepEqual(unwanted, []);
  });

  test("README's library example runs in a fresh ES module project", async () => {
    const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
    const example = /## Library\s+```ts\n([\s\S]*?)```/.exec(readme)?.[1];
    assert.ok(example, 'README has a ```ts block under "## Library"');
    const photos = join(project, 'photos');
    mkdirSync(photos);
    await sharp(sample('chelsea.png')).jpeg().toFile(join(photos, 'cat.jpg'));
    await sharp(sample('coffee.png')).jpeg().toFile(join(photos, 'coffee.jpg'));
    const script = `${example.replaceAll("'/photos", `'${photos}`)}
console.log('RESULT ' + JSON.stringify({ results, alt, answer }));\n`;
    writeFileSync(join(project, 'example.mjs'), script);
    const output = execFileSync(process.execPath, ['example.mjs'], { cwd: project, encoding: 'utf8' });
    const line = output.split('\n').find((text) => text.startsWith('RESULT '));
    assert.ok(line, output);
    const { results, alt, answer } = JSON.parse(line.slice('RESULT '.length));
    assert.ok(Array.isArray(results));
    assert.equal(alt.path, join(photos, 'cat.jpg'));
    assert.equal(typeof alt.alt, 'string');
    assert.ok(alt.alt.length > 0);
    assert.equal(answer.question, 'what colour is the cat?');
    assert.equal(typeof answer.answer, 'string');
    assert.match(output, /"type":"discovered"|type: 'discovered'/, 'progress events were printed');
  });

  test('a strict TypeScript project (NodeNext) type-checks against the published declarations', () => {
    writeFileSync(
      join(project, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          target: 'ES2022',
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          strict: true,
          noEmit: true,
          skipLibCheck: false,
          types: ['node'],
        },
        files: ['consumer.ts'],
      }),
    );
    writeFileSync(
      join(project, 'consumer.ts'),
      `import { createGlimpse, GlimpseError, type Glimpse, type SearchResponse } from 'glimpse';

const glimpse: Glimpse = await createGlimpse({ db: 'library.db', provider: 'builtin' });
const response: SearchResponse = await glimpse.search('red car', { limit: 5 });
const first: string | undefined = response.results[0]?.path;
const code: string = new GlimpseError('USAGE', 'example').code;
// @ts-expect-error the store is not part of the public API
glimpse.store;
console.log(first, code);
await glimpse.close();
`,
    );
    const tsc = join(project, 'node_modules', 'typescript', 'bin', 'tsc');
    try {
      execFileSync(process.execPath, [tsc, '-p', 'tsconfig.json'], { cwd: project, encoding: 'utf8', stdio: 'pipe' });
    } catch (error) {
      const { stdout, stderr } = error as { stdout: string; stderr: string };
      assert.fail(`tsc found errors:\n${stdout}${stderr}`);
    }
  });

  test('npm and npx print no warnings caused by the project', () => {
    // In the project: an unknown setting in its .npmrc made every npm command warn.
    const own = spawnSync('npm', ['pkg', 'get', 'name'], { cwd: repoRoot, encoding: 'utf8' });
    assert.equal(own.status, 0, own.stderr);
    assert.doesNotMatch(own.stderr, /npm warn/i);
    // In a project that installed Glimpse: `npx glimpse` runs the package's bin.
    const result = spawnSync('npx', ['--no-install', 'glimpse', '--version'], { cwd: project, encoding: 'utf8' });
    assert.equal(result.status, 0, result.stderr);
    assert.equal(result.stdout.trim(), JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')).version);
    assert.doesNotMatch(result.stderr, /npm warn/i);
  });
});

test('a dependency that another dependency pins exactly is pinned to the same version (one copy when installed)', () => {
  // A fresh install resolves our range to the newest release; when a dependency pins an older one, npm nests a second
  // copy under it (for onnxruntime-node, ~290 MB of native binaries twice).
  const mismatches: string[] = [];
  for (const name of Object.keys(manifest.dependencies)) {
    const theirs = JSON.parse(readFileSync(join(repoRoot, 'node_modules', name, 'package.json'), 'utf8')) as {
      dependencies?: Record<string, string>;
    };
    for (const [shared, range] of Object.entries(theirs.dependencies ?? {})) {
      const ours = manifest.dependencies[shared];
      if (ours !== undefined && /^\d+\.\d+\.\d+$/.test(range) && ours !== range)
        mismatches.push(`${name} pins ${shared} ${range}; package.json asks for ${ours}`);
    }
  }
  assert.deepEqual(mismatches, []);
});
