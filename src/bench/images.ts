/**
 * Real photos to index: ../shared/data/coco-dev when present (300 distinct COCO photos, 640 px), otherwise
 * distinct generated JPEGs of the same size, so the bench runs anywhere (and says which it used).
 */
import { existsSync, readdirSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';

export const COCO_DEV_IMAGES = fileURLToPath(new URL('../../../shared/data/coco-dev/images/', import.meta.url));

export interface ImageSet {
  paths: string[];
  source: string;
}

export async function benchImages(count: number, scratch: string): Promise<ImageSet> {
  if (existsSync(COCO_DEV_IMAGES)) {
    const files = readdirSync(COCO_DEV_IMAGES)
      .filter((name) => name.endsWith('.jpg'))
      .sort();
    if (files.length >= count)
      return { paths: files.slice(0, count).map((name) => join(COCO_DEV_IMAGES, name)), source: 'coco-dev photos' };
  }
  const folder = join(scratch, 'generated-images');
  await mkdir(folder, { recursive: true });
  const paths: string[] = [];
  for (let index = 0; index < count; index++) {
    const path = join(folder, `generated-${index}.jpg`);
    // Noise makes every file distinct (the indexer recognises copies by content) and as costly to decode as a photo.
    const noise = Buffer.alloc(160 * 120 * 3);
    for (let byte = 0; byte < noise.length; byte++) noise[byte] = (byte * 31 + index * 7919 + (byte >> 5) * 13) & 255;
    await sharp(noise, { raw: { width: 160, height: 120, channels: 3 } })
      .resize(640, 480)
      .jpeg({ quality: 85 })
      .toFile(path);
    paths.push(path);
  }
  return { paths, source: 'generated JPEGs (no ../shared/data)' };
}
