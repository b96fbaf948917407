/**
 * At index time: a caption and keywords a person already wrote into the file or its sidecar (XMP, IPTC, EXIF)
 * become that person's own caption and tags in the library — searchable, shown before generated ones, and never
 * overwritten: a field the person already set in Glimpse (`glimpse edit`) is kept.
 */
import { EMBEDDED_METADATA_SOURCE, readPersonMetadata, type SidecarFinder } from '../metadata/read.js';
import type { Store } from '../storage/store.js';

/**
 * Returns true when something was imported. Never throws: unreadable metadata is no metadata. `bytes`: the file's
 * content, when read already, so that ExifTool is asked only about files that may hold such metadata; `sidecars`: an
 * indexing run's folder listings (read.ts).
 */
export async function importPersonMetadata(
  store: Store,
  path: string,
  sha256: string,
  bytes?: Buffer,
  sidecars?: SidecarFinder,
): Promise<boolean> {
  const found = await readPersonMetadata(path, { bytes, sidecars }).catch(() => null);
  if (!found) return false;
  const current = store.userEdits(sha256);
  const edits: { caption?: string; tags?: string[] } = {};
  if (found.caption && !current?.caption) edits.caption = found.caption;
  if (found.tags && !current?.tags) edits.tags = found.tags;
  if (edits.caption === undefined && edits.tags === undefined) return false;
  // A field typed in Glimpse keeps its provenance only if nothing else was imported into the same row.
  store.saveUserEdits(sha256, edits, current ? current.source : EMBEDDED_METADATA_SOURCE);
  return true;
}
