/**
 * Each vendor bills an image by its size after its own resizing, so uploading more pixels than that buys nothing.
 * These rules give the size to upload; `encodeForUpload` shrinks the prepared image to it (EXIF-free JPEG or PNG).
 */
import sharp from 'sharp';
import type { PreparedImage } from '../spec.js';

export type ImageBudget =
  /** OpenAI high detail: fit in 2048×2048, then shortest side at most 768; billed in 512 px tiles. */
  | { kind: 'openai-tiles' }
  /** Anthropic: longest side at most 1568 and about 1.15 megapixels; billed at width×height/750 tokens. */
  | { kind: 'anthropic-pixels'; maxPixels: number; maxSide: number }
  /** Gemini: 768×768 tiles of 258 tokens each; images up to 384 px on both sides cost one 258-token unit. */
  | { kind: 'gemini-tiles'; maxSide: number }
  /** Local servers: no bill, but larger images are slower; just cap the longest side. */
  | { kind: 'max-side'; maxSide: number };

export const ANTHROPIC_MAX_PIXELS = 1_150_000;
/** One Gemini tile: the cheapest size that still reads well. Raise with the provider option `maxImageSide`. */
export const GEMINI_MAX_SIDE = 768;

export function uploadSize(budget: ImageBudget, width: number, height: number): { width: number; height: number } {
  let scale = 1;
  switch (budget.kind) {
    case 'openai-tiles': {
      const fitted = Math.min(1, 2048 / Math.max(width, height));
      scale = fitted * Math.min(1, 768 / (Math.min(width, height) * fitted));
      break;
    }
    case 'anthropic-pixels':
      scale = Math.min(1, budget.maxSide / Math.max(width, height), Math.sqrt(budget.maxPixels / (width * height)));
      break;
    case 'gemini-tiles':
    case 'max-side':
      scale = Math.min(1, budget.maxSide / Math.max(width, height));
      break;
  }
  if (scale >= 1) return { width, height };
  // floor, with a hair of tolerance so 1365 × (768 / 1365) stays 768 despite floating point.
  return { width: Math.max(1, Math.floor(width * scale + 1e-6)), height: Math.max(1, Math.floor(height * scale + 1e-6)) };
}

/** The largest side a budget can produce: the describer's preferredImageSize, so the pipeline decodes no more. */
export function budgetMaxSide(budget: ImageBudget): number {
  return budget.kind === 'openai-tiles' ? 2048 : budget.maxSide;
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
  // sharp writes no metadata unless asked (withMetadata), so the smaller copy is as EXIF-free as the original.
  const resized = sharp(encoded.data).resize(target.width, target.height, { fit: 'fill' });
  const data = encoded.mediaType === 'image/png' ? await resized.png().toBuffer() : await resized.jpeg({ quality: 85 }).toBuffer();
  return { data, mediaType: encoded.mediaType, ...target };
}
