/**
 * Helpers shared by Glimpse's tests: where the sample photos are, temporary folders that clean themselves up, and a
 * provider module the real `glimpse` binary can load (`--provider <file>.mjs`).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { crc32, deflateSync } from 'node:zlib';
import type { FileFacts } from '../storage/store.js';

/** The repository root (tests run from dist/, two levels below it). */
export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
export const samplesDir = join(repoRoot, 'samples');
export const fixturesDir = join(repoRoot, 'test-support', 'fixtures');
export const glimpseBin = join(repoRoot, 'bin', 'glimpse.js');

export function sample(name: string): string {
  return join(samplesDir, name);
}

/** Run the real `glimpse` binary without colour or a configured provider; its exit code and output. */
export function runGlimpse(args: string[]): { code: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [glimpseBin, ...args], {
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', GLIMPSE_PROVIDER: '' },
    timeout: 120_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** A fresh temporary folder, removed when the process exits (tests may also remove it early). */
export function temporaryDirectory(prefix = 'glimpse-test-'): string {
  const path = mkdtempSync(join(tmpdir(), prefix));
  process.once('exit', () => rmSync(path, { recursive: true, force: true }));
  return path;
}

/**
 * Write a provider module for the CLI: it answers `caption` from `answers` (by file name), waits `latencyMs`, and
 * appends every described file name to `<dir>/calls.log` so tests can count calls across processes.
 */
export function writeProviderModule(
  dir: string,
  options: {
    answers?: Record<string, object>;
    latencyMs?: number;
    promptVersion?: string;
    failWith?: Record<string, string>;
  } = {},
): string {
  const recording = pathToFileURL(join(repoRoot, 'dist', 'testing', 'recording-provider.js')).href;
  const log = join(dir, 'calls.log');
  const path = join(dir, `provider-${Math.random().toString(36).slice(2)}.mjs`);
  writeFileSync(
    path,
    `import { appendFileSync } from 'node:fs';
import { basename } from 'node:path';
import { createRecordingProvider } from ${JSON.stringify(recording)};
const answers = ${JSON.stringify(options.answers ?? {})};
export const factory = {
  name: 'test-module',
  description: 'test provider module',
  models: ['test-1'],
  async createDescriber(settings) {
    return createRecordingProvider({
      provider: 'test-module',
      modelId: settings.model ?? 'test-1',
      promptVersion: ${JSON.stringify(options.promptVersion ?? 'p1')},
      latencyMs: ${options.latencyMs ?? 0},
      failures: ${JSON.stringify(options.failWith ?? {})},
      respond(request) {
        const name = basename(request.image.source);
        appendFileSync(${JSON.stringify(log)}, name + '\\n');
        return answers[name] ?? { caption: 'A picture called ' + name, tags: ['test'] };
      },
    });
  },
};
`,
  );
  return path;
}

/**
 * A decompression bomb: a valid PNG header claiming width × height 1-bit pixels, with all-zero rows compressed to a
 * small file (30000×30000 is about 110 KB on disk and 900 megapixels decoded).
 */
export function writePngBomb(path: string, width: number, height: number): void {
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body) >>> 0);
    return Buffer.concat([length, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 1; // bit depth
  header[9] = 0; // greyscale
  const rows = Buffer.alloc((1 + Math.ceil(width / 8)) * height); // filter byte 0 + zero pixels, per row
  writeFileSync(
    path,
    Buffer.concat([
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
      chunk('IHDR', header),
      chunk('IDAT', deflateSync(rows, { level: 9 })),
      chunk('IEND', Buffer.alloc(0)),
    ]),
  );
}

/** The facts of a made-up 640×480 JPEG at `path`, its content hash the number `index`: for search rows without files. */
export function madeUpImage(path: string, index: number): FileFacts {
  return {
    path,
    sha256: `${index}`.padStart(64, '0'),
    sizeBytes: 1000,
    mtimeMs: 0,
    width: 640,
    height: 480,
    format: 'jpeg',
    exif: null,
  };
}
