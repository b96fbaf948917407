/**
 * `export`: a real library (indexed with a recording provider and an embedder, one image edited by hand) exported
 * as JSON Lines and CSV, parsed back and compared with what `show` says; the real CLI writing a file; and a
 * synthetic library exported in a child process with its peak memory measured at two sizes.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { hashingEmbedder } from '../bench/fake-providers.js';
import { createGlimpse } from '../glimpse.js';
import { glimpseBin, repoRoot, sample, temporaryDirectory } from '../testing/fixtures.js';
import { createRecordingProvider } from '../testing/recording-provider.js';
import type { ExportRecord } from '../types.js';
import { EXPORT_FORMATS } from './export-formats.js';

const TRICKY = 'A "quoted" cup, on a saucer;\r\nsecond line — café ☕';

async function library() {
  const dir = temporaryDirectory();
  const photos = join(dir, 'photos, "quoted"');
  mkdirSync(photos);
  for (const name of ['coffee.png', 'rocket.jpg', 'chelsea.png']) copyFileSync(sample(name), join(photos, name));
  const db = join(dir, 'lib.db');
  const glimpse = await createGlimpse({
    db,
    embedder: hashingEmbedder(16),
    provider: createRecordingProvider({
      answers: {
        'coffee.png': { caption: TRICKY, tags: ['cup', 'coffee'], alt: 'A cup of coffee', detailed: 'Long text.' },
        'rocket.jpg': {
          caption: 'A rocket',
          tags: ['rocket'],
          text: 'NASA',
          objects: [{ label: 'rocket', score: 0.9, box: null }],
        },
        'chelsea.png': { caption: 'A cat', tags: [] },
      },
    }),
  });
  await glimpse.index([photos]);
  glimpse.edit(join(photos, 'chelsea.png'), { caption: 'Our cat, Chelsea', tags: ['cat', 'pet'] });
  return { dir, db, photos, glimpse };
}

async function exported(glimpse: Awaited<ReturnType<typeof createGlimpse>>, format: string, withEmbeddings = false) {
  const chunks: string[] = [];
  const summary = await glimpse.export({ format, withEmbeddings, write: (chunk) => void chunks.push(chunk) });
  return { summary, text: chunks.join('') };
}

/** RFC 4180, written independently of the exporter. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let index = 0; index < text.length; index++) {
    const character = text[index];
    if (quoted) {
      if (character === '"' && text[index + 1] === '"') {
        field += '"';
        index++;
      } else if (character === '"') quoted = false;
      else field += character;
    } else if (character === '"') quoted = true;
    else if (character === ',') {
      row.push(field);
      field = '';
    } else if (character === '\r' && text[index + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      index++;
    } else field += character;
  }
  assert.equal(field + row.join(''), '', 'the last row ends with CRLF');
  return rows;
}

describe('export', () => {
  test('JSON Lines: one record per image, as show() has it, with the edits and (optionally) the vectors', async () => {
    const { glimpse, photos } = await library();
    try {
      const { summary, text } = await exported(glimpse, 'jsonl', true);
      assert.equal(summary.records, 3);
      assert.ok(text.endsWith('\n'));
      const records = text
        .trimEnd()
        .split('\n')
        .map((line) => JSON.parse(line) as ExportRecord);
      assert.deepEqual(
        records.map((record) => record.id),
        [1, 2, 3],
      );
      for (const record of records) {
        const details = glimpse.show(record.id);
        assert.equal(record.path, details.path);
        assert.equal(record.sha256, details.sha256);
        assert.equal(record.caption, details.description?.caption);
        assert.deepEqual(record.tags, details.description?.tags);
        assert.equal(record.provider, 'recording');
        assert.equal(record.promptVersion, details.description?.promptVersion);
        assert.equal(record.describedAt, details.description?.describedAt);
        assert.deepEqual(Object.keys(record.embeddings ?? {}), [hashingEmbedder(16).modelId]);
        assert.equal(Object.values(record.embeddings!)[0]?.length, 16);
      }
      const coffee = records.find((record) => record.path === join(photos, 'coffee.png'))!;
      assert.equal(coffee.caption, TRICKY);
      assert.equal(coffee.alt, 'A cup of coffee');
      assert.equal(coffee.detailed, 'Long text.');
      const rocket = records.find((record) => record.path.endsWith('rocket.jpg'))!;
      assert.deepEqual(rocket.objects, [{ label: 'rocket', score: 0.9 }]);
      assert.equal(rocket.text, 'NASA');
      assert.match(rocket.content, /^A rocket\nTags: rocket\.\nText in the image: NASA$/);
      const cat = records.find((record) => record.path.endsWith('chelsea.png'))!;
      assert.equal(cat.caption, 'A cat', 'the generated caption stays as generated');
      assert.equal(cat.edits?.caption, 'Our cat, Chelsea');
      assert.deepEqual(cat.edits?.tags, ['cat', 'pet']);
      assert.match(cat.content, /^Our cat, Chelsea\nTags: cat, pet\.$/, "the person's caption leads the content");

      const plain = await exported(glimpse, 'jsonl');
      assert.ok(!plain.text.includes('"embeddings"'));
    } finally {
      await glimpse.close();
    }
  });

  test('CSV parses back (RFC 4180) to the same values as JSON Lines', async () => {
    const { glimpse } = await library();
    try {
      const records = (await exported(glimpse, 'jsonl', true)).text
        .trimEnd()
        .split('\n')
        .map((line) => JSON.parse(line));
      const [header, ...rows] = parseCsv((await exported(glimpse, 'csv', true)).text);
      assert.equal(rows.length, 3);
      const model = hashingEmbedder(16).modelId;
      assert.deepEqual(header.slice(0, 4), ['id', 'path', 'sha256', 'caption']);
      assert.equal(header.at(-1), `embedding:${model}`);
      rows.forEach((row, position) => {
        const cell = (name: string) => row[header.indexOf(name)];
        const record = records[position] as ExportRecord;
        assert.equal(Number(cell('id')), record.id);
        assert.equal(cell('path'), record.path);
        assert.equal(cell('caption'), record.caption ?? '');
        assert.equal(cell('tags'), record.tags.join('; '));
        assert.equal(cell('text'), record.text ?? '');
        assert.equal(cell('edited_caption'), record.edits?.caption ?? '');
        assert.equal(cell('content'), record.content);
        assert.deepEqual(JSON.parse(cell(`embedding:${model}`)), record.embeddings![model]);
      });
      const coffee = rows.find((row) => row[header.indexOf('path')].endsWith('coffee.png'))!;
      assert.equal(coffee[header.indexOf('caption')], TRICKY, 'quotes, commas, CRLF and non-ASCII survive');
    } finally {
      await glimpse.close();
    }
  });

  test('the CLI writes a file or stdout; an unknown format is a usage error that lists the formats', async () => {
    const { dir, db, glimpse } = await library();
    await glimpse.close();
    const run = (args: string[]) =>
      spawnSync(process.execPath, [glimpseBin, '--db', db, 'export', ...args], { encoding: 'utf8', timeout: 60_000 });
    const file = join(dir, 'out.csv');
    const toFile = run(['--format', 'csv', '-o', file]);
    assert.equal(toFile.status, 0, toFile.stderr);
    assert.match(toFile.stderr, /3 images exported/);
    assert.equal(parseCsv(readFileSync(file, 'utf8')).length, 4);
    const toStdout = run([]);
    assert.equal(toStdout.status, 0, toStdout.stderr);
    assert.equal(toStdout.stdout.trimEnd().split('\n').length, 3);
    const unknown = run(['--format', 'parquet']);
    assert.equal(unknown.status, 1);
    assert.match(unknown.stderr, /unknown export format "parquet"[\s\S]*jsonl, csv/);
    assert.ok(Object.keys(EXPORT_FORMATS).includes('jsonl'));
  });

  test('streams: 60k images export with a 16 MB JavaScript heap (their export text alone is about 30 MB)', () => {
    const dir = temporaryDirectory();
    const bench = join(repoRoot, 'dist', 'bench', 'interop.js');
    const db = join(dir, 'synthetic.db');
    const built = spawnSync(process.execPath, [bench, 'library', db, '60000'], { encoding: 'utf8' });
    assert.equal(built.status, 0, built.stderr);
    // An exporter that gathered the records (or the text) before writing would run out of heap here.
    const run = spawnSync(process.execPath, ['--max-old-space-size=16', bench, 'export', db], { encoding: 'utf8' });
    assert.equal(run.status, 0, run.stderr.slice(-2000));
    const result = JSON.parse(run.stdout) as { records: number; seconds: number; peakRssMb: number; bytes: number };
    assert.equal(result.records, 60_000);
    assert.ok(result.bytes > 25_000_000, `${result.bytes} bytes exported`);
  });
});
