/**
 * `writeMetadata`: write indexed images' descriptions where photo managers read them (XMP sidecars, or embedded in
 * the files) — for `glimpse index --write-metadata` and `glimpse metadata write`.
 *
 * Embedding changes the file's bytes and so its content hash; the library follows: the description and the
 * person's edits are stored under the new hash and the file row is updated, so the next `glimpse index` sees an
 * unchanged, described file instead of describing it again.
 */
import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { toGlimpseError } from '../errors.js';
import { writeMetadata } from '../metadata/write.js';
import type { ImageRecord } from '../storage/store.js';
import type { WriteMetadataOptions, WriteMetadataSummary } from '../types.js';
import type { Parts } from './parts.js';
import { imageDetails } from './show.js';

/** The indexed local files under these paths (files or folders); every indexed local file when none are given. */
function imagesUnder(parts: Parts, paths: string[]): ImageRecord[] {
  const local = parts.store.allImages().filter((image) => !/^https?:\/\//i.test(image.path));
  if (paths.length === 0) return local;
  const roots = paths.map((path) => resolve(path).replace(/\/+$/, ''));
  return local.filter((image) => roots.some((root) => image.path === root || image.path.startsWith(`${root}/`)));
}

export async function writeMetadataFor(
  parts: Parts,
  paths: string[],
  options: WriteMetadataOptions,
): Promise<WriteMetadataSummary> {
  const summary: WriteMetadataSummary = { written: [], failures: [] };
  for (const image of imagesUnder(parts, paths)) {
    const details = imageDetails(parts.store, image);
    if (!details.description && !details.userEdits) continue; // nothing to write yet
    try {
      const written = await writeMetadata(details, options.target, { sidecarName: options.sidecarName });
      if (options.target === 'embed') await followNewContent(parts, image);
      summary.written.push(written);
      options.onWritten?.(written);
    } catch (error) {
      const failure = { path: image.path, error: toGlimpseError(error, image.path).toJSON() };
      summary.failures.push(failure);
      options.onWritten?.(failure);
    }
  }
  return summary;
}

/** After embedding: store the description and edits under the file's new hash and point its row at it. */
async function followNewContent(parts: Parts, image: ImageRecord): Promise<void> {
  const { store, searchIndex } = parts;
  const bytes = await readFile(image.path);
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  if (sha256 === image.sha256) return;
  const info = await stat(image.path);
  const description = store.description(image.sha256);
  const edits = store.userEdits(image.sha256);
  store.transaction(() => {
    if (description) {
      const { provider, requestedModel, promptVersion, ms } = description;
      store.saveDescription(sha256, description, { provider, requestedModel, promptVersion }, ms ?? 0);
    }
    if (edits) store.saveUserEdits(sha256, { caption: edits.caption, tags: edits.tags }, edits.source);
    store.upsertImage({
      path: image.path,
      sha256,
      sizeBytes: bytes.length,
      mtimeMs: info.mtimeMs,
      width: image.width ?? 0,
      height: image.height ?? 0,
      format: image.format ?? 'unknown',
      exif: { takenAt: image.takenAt, camera: image.camera, latitude: image.latitude, longitude: image.longitude },
    });
    searchIndex.refresh(store.imageByPath(image.path)!);
  });
}
