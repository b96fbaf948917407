import sharp from 'sharp';
import type { Pixels } from './signals.js';

/**
 * Stretches pixels to a square network input. Resizing with libvips (area-averaging) rather than tfjs's bilinear
 * resize matters: bilinear shrinking to a small network input aliases badly, enough to flip nsfwjs scores.
 */
export async function squeeze(pixels: Pixels, size: number): Promise<Pixels> {
  if (pixels.width === size && pixels.height === size) return pixels;
  const data = await sharp(pixels.data, { raw: { width: pixels.width, height: pixels.height, channels: 3 } })
    .resize(size, size, { fit: 'fill' })
    .raw()
    .toBuffer();
  return { data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength), width: size, height: size };
}
