/**
 * Downscaling to a provider's `ImageBudget` before upload (the budget itself is a fact in the provider's manifest).
 * `uploadSize` is plain arithmetic, also used by manifests to count image tokens; `encodeForUpload` shrinks the
 * prepared image to that size (EXIF-free JPEG or PNG).
 */
import type { ImageBudget, PreparedImage } from '../spec.js';

export type { ImageBudget } from '../spec.js';

export function uploadSize(budget: ImageBudget, width: number, height: number): { width: number; height: number } {
  let scale = Math.min(1, budget.maxSide / Math.max(width, height));
  if (budget.maxShortSide !== undefined) scale *= Math.min(1, budget.maxShortSide / (Math.min(width, height) * scale));
  if (budget.maxPixels !== undefined) scale = Math.min(scale, Math.sqrt(budget.maxPixels / (width * height)));
  if (scale >= 1) return { width, height };
  // floor, with a hair of tolerance so 1365 × (768 / 1365) stays 768 despite floating point.
  return {
    width: Math.max(1, Math.floor(width * scale + 1e-6)),
    height: Math.max(1, Math.floor(height * scale + 1e-6)),
  };
}

/** The largest side a budget can produce: the describer's preferredImageSize, so the pipeline decodes no more. */
export function budgetMaxSide(budget: ImageBudget): number {
  return budget.maxSide;
}

/** Tiles of `tileSide` pixels needed to cover an image. */
export function tileCount(width: number, height: number, tileSide: number): number {
  return Math.ceil(width / tileSide) * Math.ceil(height / tileSide);
}

export interface Upload {
  data: Buffer;
  mediaType: 'image/jpeg' | 'image/png';
  width: number;
  height: number;
}

export async function encodeForUpload(image: PreparedImage, budget: ImageBudget): Promise<Upload> {
  const encoded = await image.encode();
  const target = uploadSize(budget, image.width, image.height);
  if (target.width === image.width && target.height === image.height) return { ...encoded, ...target };
  // Loaded here, not at the top: manifests import this file for uploadSize, and reading facts must stay cheap.
  const { default: sharp } = await import('sharp');
  // sharp writes no metadata unless asked (withMetadata), so the smaller copy is as EXIF-free as the original.
  const resized = sharp(encoded.data).resize(target.width, target.height, { fit: 'fill' });
  const data =
    encoded.mediaType === 'image/png' ? await resized.png().toBuffer() : await resized.jpeg({ quality: 85 }).toBuffer();
  return { data, mediaType: encoded.mediaType, ...target };
}
