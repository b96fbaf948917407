/**
 * The layers of the house, written down once. A module may import from its own layer and the layers before it,
 * never from a later one; the front doors (cli, server, web, eval) reach the library through its methods, never
 * through storage. Tests and src/testing/ may import anything.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { describe, test } from 'node:test';
import { repoRoot } from './testing/fixtures.js';

/** In order: the plain contracts first, the programs last. Names are folders of src/ (or files, without .ts). */
export const LAYERS: readonly (readonly string[])[] = [
  // eval/metrics: pure functions over strings (BLEU, CIDEr-D, CER…), published with the library.
  ['errors', 'providers/spec', 'eval/metrics'],
  ['types'],
  ['images'],
  // metadata: XMP/IPTC read and written with ExifTool (photo managers' sidecars and embedded fields).
  ['metadata'],
  // alt: finding images in HTML and Markdown pages (parse5, mdast) and shaping alt text; used by methods/alt.ts.
  ['alt'],
  ['providers'],
  ['config'],
  ['storage'],
  ['search'],
  ['pipeline'],
  // queue: the job queue of a PostgreSQL library (pg-boss) and the worker that describes its jobs with the pipeline.
  ['queue'],
  ['methods'],
  ['glimpse', 'index'],
  ['web'],
  ['server', 'eval', 'mcp'],
  ['cli', 'bench'],
];

/** Rooms that face users: they call the library's methods and never open its storage themselves. */
const FRONT_DOORS = ['cli', 'server', 'web', 'eval', 'mcp'];

const IMPORT = /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)['"](\.{1,2}\/[^'"]+)['"]/g;

/** The room of a path relative to src/: its layer entry ('providers/spec' before 'providers'). */
export function roomOf(path: string): string {
  const noExtension = path.replace(/\.(js|ts|tsx|jsx)$/, '');
  if (noExtension === 'providers/spec') return 'providers/spec';
  if (noExtension.startsWith('eval/metrics/')) return 'eval/metrics';
  return noExtension.split('/')[0];
}

function layerOf(room: string): number {
  return LAYERS.findIndex((layer) => layer.includes(room));
}

/** Every import that points the wrong way, as "from → to (why)". `files`: path relative to src/ → source text. */
export function wrongWayImports(files: ReadonlyMap<string, string>): string[] {
  const problems: string[] = [];
  for (const [path, source] of files) {
    const from = roomOf(path);
    if (layerOf(from) < 0) {
      problems.push(`${path}: its room "${from}" is in no layer (add it to LAYERS in architecture.test.ts)`);
      continue;
    }
    for (const match of source.matchAll(IMPORT)) {
      const target = normalize(join(dirname(path), match[1]));
      if (target.startsWith('..')) continue; // package.json and the like, outside src/
      const to = roomOf(target);
      if (to === from) continue;
      if (layerOf(to) > layerOf(from))
        problems.push(`${path} → ${target} (${from} may not import ${to}, a later layer)`);
      if (FRONT_DOORS.includes(from) && to === 'storage')
        problems.push(`${path} → ${target} (${from} calls methods, never storage)`);
    }
  }
  return problems;
}

function sourceFiles(folder: string, files = new Map<string, string>()): Map<string, string> {
  for (const entry of readdirSync(folder, { withFileTypes: true })) {
    const path = join(folder, entry.name);
    const relativePath = relative(join(repoRoot, 'src'), path);
    if (entry.isDirectory()) {
      if (relativePath !== 'testing') sourceFiles(path, files);
    } else if (/\.tsx?$/.test(entry.name) && !/\.test\.tsx?$|\.d\.ts$/.test(entry.name)) {
      files.set(relativePath, readFileSync(path, 'utf8'));
    }
  }
  return files;
}

describe('architecture', () => {
  test('every import points down the layers, and the front doors never open storage', () => {
    assert.deepEqual(wrongWayImports(sourceFiles(join(repoRoot, 'src'))), []);
  });

  test('the check finds an import that points up, a dynamic one, and a front door opening storage', () => {
    const files = new Map([
      ['storage/sqlite/images.ts', "import { search } from '../../methods/search.js';"],
      ['images/prepare.ts', "const { runIndex } = await import('../pipeline/indexer.js');"],
      ['server/api.ts', "import type { Store } from '../storage/store.js';"],
      ['search/search.ts', "import type { Store } from '../storage/store.js';\nimport { x } from './query.js';"],
    ]);
    assert.deepEqual(wrongWayImports(files), [
      'storage/sqlite/images.ts → methods/search.js (storage may not import methods, a later layer)',
      'images/prepare.ts → pipeline/indexer.js (images may not import pipeline, a later layer)',
      'server/api.ts → storage/store.js (server calls methods, never storage)',
    ]);
  });
});
