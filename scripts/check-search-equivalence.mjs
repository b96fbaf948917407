#!/usr/bin/env node
/**
 * Checks that this build ranks exactly like an earlier commit: same images, same order, same scores. For changes
 * meant to make search faster without changing what it finds (the WordNet lemma tables, the saved term counts).
 *
 *   node scripts/check-search-equivalence.mjs --against <commit> --db <library.db> [--queries 200]
 *
 * The commit is exported (git archive) and built in a temporary folder that shares this checkout's node_modules.
 * Each build searches its own copy of the library (a newer build may migrate it, which an older one cannot open).
 * Queries: the bench's (1–3 words drawn by frequency, as people type) and whole COCO captions (real sentences),
 * when ../shared/data has them. This build answers them three times, each over a fresh library connection: first on
 * the library as it is (rows without a stored reading, if written by an older build, are analysed as searched),
 * then twice after every row's reading is stored (search_sentences, filled as an upgraded library would be), so
 * that both ways of reading rows are compared and the counts saved in one pass are the ones used in the next.
 * Exit code 1 on any difference.
 */
import { execFileSync, execSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const root = fileURLToPath(new URL('..', import.meta.url));
const { values } = parseArgs({
  options: { against: { type: 'string' }, db: { type: 'string' }, queries: { type: 'string', default: '200' } },
});
if (!values.against || !values.db) {
  process.stderr.write(
    'usage: node scripts/check-search-equivalence.mjs --against <commit> --db <library.db> [--queries 200]\n',
  );
  process.exit(1);
}

const commit = execFileSync('git', ['rev-parse', values.against], { cwd: root, encoding: 'utf8' }).trim();
const baseline = join(tmpdir(), `glimpse-baseline-${commit.slice(0, 12)}`);
if (!existsSync(join(baseline, 'dist', 'glimpse.js'))) {
  rmSync(baseline, { recursive: true, force: true });
  mkdirSync(baseline, { recursive: true });
  execSync(`git archive ${commit} | tar -x -C ${JSON.stringify(baseline)}`, { cwd: root });
  symlinkSync(join(root, 'node_modules'), join(baseline, 'node_modules'));
  // The baseline's own build script, whatever it was then (tsc reports type errors but still emits).
  execSync('npm run build', { cwd: baseline, stdio: 'ignore' });
}

const scratch = join(tmpdir(), `glimpse-equivalence-${process.pid}`);
mkdirSync(scratch, { recursive: true });
process.on('exit', () => rmSync(scratch, { recursive: true, force: true }));
const copy = (name) => {
  const path = join(scratch, name);
  copyFileSync(values.db, path);
  for (const suffix of ['-wal', '-shm'])
    if (existsSync(values.db + suffix)) copyFileSync(values.db + suffix, path + suffix);
  return path;
};

const { loadVocabulary, COCO_CAPTIONS } = await import(
  pathToFileURL(join(root, 'dist', 'bench', 'vocabulary.js')).href
);
const { benchQueries } = await import(pathToFileURL(join(root, 'dist', 'bench', 'search-latency.js')).href);
const count = Number(values.queries);
const queries = benchQueries(loadVocabulary(), count, 29);
if (existsSync(COCO_CAPTIONS)) {
  const captions = JSON.parse(readFileSync(COCO_CAPTIONS, 'utf8')).annotations.map((annotation) =>
    annotation.caption.trim(),
  );
  for (let index = 0; index < count; index++) queries.push(captions[(index * 7919) % captions.length]);
}

/** Every query's results as "id:score" strings, from the build in `folder`, over a fresh connection per pass. */
async function answers(folder, db, passes, fillAfter = -1) {
  const { createGlimpse } = await import(pathToFileURL(join(folder, 'dist', 'glimpse.js')).href);
  const all = [];
  for (let pass = 0; pass < passes; pass++) {
    if (pass === fillAfter) {
      const { SqliteStore } = await import(
        pathToFileURL(join(folder, 'dist', 'storage', 'sqlite', 'sqlite-store.js')).href
      );
      const { fillSearchReadings } = await import(pathToFileURL(join(folder, 'dist', 'search', 'documents.js')).href);
      const store = new SqliteStore(db);
      try {
        process.stderr.write(`stored the reading of ${(await fillSearchReadings(store))?.filled ?? 0} rows\n`);
      } finally {
        store.close();
      }
    }
    const glimpse = await createGlimpse({ db, embedder: null });
    try {
      const results = [];
      for (const query of queries)
        results.push(
          (await glimpse.search(query, { limit: 50 })).results.map((result) => `${result.id}:${result.score}`),
        );
      all.push(results);
    } finally {
      await glimpse.close();
    }
  }
  return all;
}

const [expected] = await answers(baseline, copy('baseline.db'), 1);
const passes = await answers(root, copy('current.db'), 3, 1);
let differences = 0;
passes.forEach((results, pass) => {
  results.forEach((result, index) => {
    if (result.join(' ') === expected[index].join(' ')) return;
    differences++;
    if (differences <= 5) {
      process.stdout.write(
        `pass ${pass + 1}, "${queries[index]}":\n  ${commit.slice(0, 12)}: ${expected[index].slice(0, 8).join(' ')}\n  now: ${result.slice(0, 8).join(' ')}\n`,
      );
    }
  });
});
const results = expected.reduce((total, result) => total + result.length, 0);
process.stdout.write(
  differences === 0
    ? `same results as ${commit.slice(0, 12)}: ${queries.length} queries × 3 passes (the first with rows analysed as searched, then stored), ${results} ranked images each pass, ids and scores equal\n`
    : `${differences} of ${queries.length * 3} answers differ from ${commit.slice(0, 12)}\n`,
);
process.exitCode = differences === 0 ? 0 : 1;
