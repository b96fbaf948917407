/**
 * Writing what Glimpse knows about an image where photo managers read it — an XMP sidecar beside the file, or the
 * file's own XMP — with ExifTool (never hand-written XMP):
 *
 *   caption → dc:description · tags → dc:subject · alt text → Iptc4xmpCore:AltTextAccessibility ·
 *   detailed description → Iptc4xmpCore:ExtDescrAccessibility · provider, model, dates → glimpse:* (our namespace)
 *
 * ExifTool edits metadata segments only: the image data is never re-encoded, other metadata (EXIF, IPTC, other
 * tools' XMP) is kept, and no `_original` backup is left behind. Sidecars are updated in place when they exist, so
 * darktable's or digiKam's own properties in them survive.
 */
import { access } from 'node:fs/promises';
import { GlimpseError } from '../errors.js';
import type { ImageDetails, MetadataTarget, MetadataWritten, SidecarName } from '../types.js';
import { metadataTool } from './exiftool.js';

export type { MetadataTarget, MetadataWritten, SidecarName };

export interface WriteMetadataOptions {
  /** Default `image` (`photo.jpg.xmp`). */
  sidecarName?: SidecarName;
}

/** The sidecar of an image: `photo.jpg.xmp` (`image`) or `photo.xmp` (`base`). */
export function sidecarPath(imagePath: string, name: SidecarName = 'image'): string {
  if (name === 'image') return `${imagePath}.xmp`;
  const slash = imagePath.lastIndexOf('/');
  const dot = imagePath.lastIndexOf('.');
  return `${dot > slash + 1 ? imagePath.slice(0, dot) : imagePath}.xmp`;
}

/** The XMP properties Glimpse writes for an image, as ExifTool tag names (group-qualified) and values. */
export function metadataTags(details: ImageDetails, writtenAt = new Date()): Record<string, string | string[]> {
  const description = details.description;
  const tags: Record<string, string | string[]> = {};
  if (details.caption) tags['XMP-dc:Description'] = details.caption;
  if (details.tags.length > 0) tags['XMP-dc:Subject'] = details.tags;
  if (description?.alt) tags['XMP-iptcCore:AltTextAccessibility'] = description.alt;
  if (description?.detailed) tags['XMP-iptcCore:ExtDescrAccessibility'] = description.detailed;
  if (description) {
    tags['XMP-glimpse:Provider'] = description.provider;
    tags['XMP-glimpse:Model'] = description.model;
    tags['XMP-glimpse:PromptVersion'] = description.promptVersion;
    tags['XMP-glimpse:DescribedAt'] = description.describedAt;
  }
  tags['XMP-glimpse:WrittenAt'] = writtenAt.toISOString();
  // Whose caption and tags these are, and what Glimpse wrote: reading the file back (at the next index) must not
  // take Glimpse's own generated caption for a person's.
  if (details.caption) {
    tags['XMP-glimpse:CaptionSource'] = details.userEdits?.caption ? 'person' : 'generated';
    tags['XMP-glimpse:Caption'] = details.caption;
  }
  if (details.tags.length > 0) {
    tags['XMP-glimpse:TagsSource'] = details.userEdits?.tags ? 'person' : 'generated';
    tags['XMP-glimpse:Tags'] = details.tags;
  }
  return tags;
}

/**
 * Write an image's caption, tags, alt text, detailed description and provenance as XMP: into a sidecar
 * (`photo.jpg.xmp` by default, created or updated) or embedded in the file. Throws GlimpseError naming the file.
 * Call `closeMetadataTool()` (or Glimpse.close()) when done, to end ExifTool's process.
 */
export async function writeMetadata(
  details: ImageDetails,
  target: MetadataTarget,
  options: WriteMetadataOptions = {},
): Promise<MetadataWritten> {
  if (/^https?:\/\//i.test(details.path)) {
    throw new GlimpseError('USAGE', `${details.path}: a URL has no file to write metadata to`, {
      path: details.path,
      hint: 'Write metadata for local files only.',
    });
  }
  if (target !== 'sidecar' && target !== 'embed') {
    throw new GlimpseError('USAGE', `Unknown metadata target "${target}" (use sidecar or embed)`);
  }
  const path = target === 'embed' ? details.path : sidecarPath(details.path, options.sidecarName);
  try {
    await access(details.path);
  } catch {
    throw new GlimpseError('FILE_NOT_FOUND', `${details.path}: the file is gone; cannot write its metadata`, {
      path: details.path,
    });
  }
  const tool = await metadataTool();
  try {
    // exiftool-vendored's tag types do not know our namespace; ExifTool does (see exiftool.ts).
    await tool.write(path, metadataTags(details) as never, { writeArgs: ['-overwrite_original'] });
  } catch (error) {
    const reason = (error as Error)?.message ?? String(error);
    throw new GlimpseError(
      /permission|denied|read-only/i.test(reason) ? 'PERMISSION_DENIED' : 'METADATA_ERROR',
      `${path}: could not write metadata: ${reason.split('\n')[0]}`,
      { path, cause: error },
    );
  }
  return { path, target };
}
