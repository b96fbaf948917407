/**
 * OCR speed and memory: the built-in text reader (PaddleOCR) against the previous one (tesseract.js with its layout
 * gate) in the same run, on receipts (../shared/data/ocr-dev/sroie when present, else receipts drawn here) and on
 * photos (coco-dev, almost all without text: the gate's case). Each reader runs in its own child process, so its
 * peak memory is its own.
 */
import { execFile } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import sharp from 'sharp';
import type { ImageSet } from './images.js';
import type { OcrRun } from './ocr-run.js';
import { type BenchResult, result } from './results.js';

const run = promisify(execFile);
const RUNNER = fileURLToPath(new URL('./ocr-run.js', import.meta.url));
export const SROIE_IMAGES = fileURLToPath(new URL('../../../shared/data/ocr-dev/sroie/', import.meta.url));

export async function benchReceipts(count: number, scratch: string): Promise<ImageSet> {
  if (existsSync(SROIE_IMAGES)) {
    const files = readdirSync(SROIE_IMAGES)
      .filter((name) => name.endsWith('.jpg'))
      .sort()
      .slice(0, count);
    if (files.length === count)
      return { paths: files.map((name) => join(SROIE_IMAGES, name)), source: 'SROIE receipts' };
  }
  const folder = join(scratch, 'generated-receipts');
  await mkdir(folder, { recursive: true });
  const paths: string[] = [];
  for (let index = 0; index < count; index++) {
    const rows = Array.from(
      { length: 24 },
      (_, row) =>
        `<text x="30" y="${50 + row * 36}" font-family="DejaVu Sans Mono" font-size="22">ITEM ${index}-${row} QTY ${row % 4} RM ${(row * 1.35 + index).toFixed(2)}</text>`,
    ).join('');
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="620" height="960"><rect width="620" height="960" fill="white"/>${rows}</svg>`;
    const path = join(folder, `receipt-${index}.png`);
    await writeFile(path, await sharp(Buffer.from(svg)).png().toBuffer());
    paths.push(path);
  }
  return { paths, source: 'generated receipts (no ../shared/data)' };
}

export async function measureOcr(receipts: ImageSet, photos: ImageSet): Promise<BenchResult[]> {
  const inputs = [...receipts.paths.map((path) => `receipt:${path}`), ...photos.paths.map((path) => `photo:${path}`)];
  const results: BenchResult[] = [];
  for (const reader of ['paddle', 'tesseract']) {
    const suffix = reader === 'paddle' ? '' : '-tesseract';
    const label = reader === 'paddle' ? 'built-in reader (PaddleOCR)' : 'previous reader (tesseract.js), same run';
    try {
      const { stdout } = await run(process.execPath, [RUNNER, reader, ...inputs], {
        maxBuffer: 1 << 24,
        timeout: 20 * 60_000,
      });
      const measured = JSON.parse(stdout.trim().split('\n').pop() as string) as OcrRun;
      const perImage = (kind: string) => {
        const entry = measured.kinds[kind];
        return entry && entry.images > 0 ? entry.seconds / entry.images : null;
      };
      const photosRead = measured.kinds.photo?.withText ?? 0;
      results.push(
        result(
          `ocr-s-per-receipt${suffix}`,
          perImage('receipt'),
          's',
          `${label}; ${receipts.paths.length} ${receipts.source}`,
        ),
        result(
          `ocr-s-per-photo${suffix}`,
          perImage('photo'),
          's',
          `${label}; ${photos.paths.length} ${photos.source}, ${photosRead} passed the gate and were read`,
        ),
        result(`ocr-peak-rss-mb${suffix}`, measured.maxRssMb, 'MB', `${label}; whole process, models included`),
      );
    } catch (error) {
      const note = `${label} failed: ${(error as Error).message.split('\n')[0].slice(0, 160)}`;
      results.push(result(`ocr-s-per-receipt${suffix}`, null, 's', note));
    }
  }
  return results;
}
