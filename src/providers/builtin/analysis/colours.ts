/**
 * Dominant colours by name. Pixels are sampled on a grid, each named by hue, saturation and lightness rules
 * (basic colour terms people use in captions and searches), and the names counted.
 */
import type { ColourShare, Pixels } from './signals.js';

const SAMPLES = 4096;

export interface ColourSummary {
  colours: ColourShare[];
  brightness: number;
  saturation: number;
}

export function summariseColours(pixels: Pixels): ColourSummary {
  const total = pixels.width * pixels.height;
  const step = Math.max(1, Math.floor(total / SAMPLES));
  const counts = new Map<string, number>();
  let samples = 0;
  let lightnessSum = 0;
  let saturationSum = 0;
  for (let index = 0; index < total; index += step) {
    const offset = index * 3;
    const [hue, saturation, lightness] = toHsl(pixels.data[offset], pixels.data[offset + 1], pixels.data[offset + 2]);
    const name = colourName(hue, saturation, lightness);
    counts.set(name, (counts.get(name) ?? 0) + 1);
    lightnessSum += lightness;
    saturationSum += saturation * (1 - Math.abs(2 * lightness - 1));
    samples++;
  }
  const colours = [...counts]
    .map(([name, count]) => ({ name, share: Math.round((count / samples) * 1000) / 1000 }))
    .sort((a, b) => b.share - a.share);
  return { colours, brightness: lightnessSum / samples, saturation: saturationSum / samples };
}

/** Basic colour terms from hue (degrees), saturation and lightness (0..1). */
export function colourName(hue: number, saturation: number, lightness: number): string {
  if (lightness < 0.12) return 'black';
  if (lightness > 0.9 && saturation < 0.5) return 'white';
  if (saturation < 0.15 || (saturation < 0.25 && (lightness < 0.2 || lightness > 0.8))) {
    return lightness > 0.75 ? 'white' : lightness < 0.25 ? 'black' : 'grey';
  }
  if (hue < 15 || hue >= 345) return lightness > 0.7 ? 'pink' : lightness < 0.3 ? 'dark red' : 'red';
  if (hue < 45) return lightness < 0.45 || saturation < 0.4 ? 'brown' : 'orange';
  if (hue < 70) return lightness < 0.35 ? 'olive' : saturation < 0.35 ? 'beige' : 'yellow';
  if (hue < 165) return lightness < 0.3 ? 'dark green' : 'green';
  if (hue < 200) return 'teal';
  if (hue < 255) return lightness < 0.3 ? 'dark blue' : lightness > 0.7 ? 'light blue' : 'blue';
  if (hue < 290) return 'purple';
  return lightness > 0.6 ? 'pink' : 'magenta';
}

export function toHsl(red: number, green: number, blue: number): [number, number, number] {
  const r = red / 255;
  const g = green / 255;
  const b = blue / 255;
  const max = Math.max(r, g, b);
  const min = Math.min(r, g, b);
  const lightness = (max + min) / 2;
  const delta = max - min;
  if (delta === 0) return [0, 0, lightness];
  const saturation = delta / (1 - Math.abs(2 * lightness - 1));
  let hue: number;
  if (max === r) hue = ((g - b) / delta) % 6;
  else if (max === g) hue = (b - r) / delta + 2;
  else hue = (r - g) / delta + 4;
  hue *= 60;
  if (hue < 0) hue += 360;
  return [hue, saturation, lightness];
}

/**
 * The main colour of each object, from the middle 60% of its box (the edges are mostly background). Null when no
 * colour covers at least 40% of it, so "a red bus" is only said of buses that are clearly red.
 */
export function objectColours(
  pixels: Pixels,
  boxes: ({ x: number; y: number; width: number; height: number } | null)[],
): (string | null)[] {
  return boxes.map((box) => {
    if (!box) return null;
    const left = Math.floor((box.x + box.width * 0.2) * pixels.width);
    const right = Math.ceil((box.x + box.width * 0.8) * pixels.width);
    const top = Math.floor((box.y + box.height * 0.2) * pixels.height);
    const bottom = Math.ceil((box.y + box.height * 0.8) * pixels.height);
    const step = Math.max(1, Math.floor(Math.sqrt(((right - left) * (bottom - top)) / 1024)));
    const counts = new Map<string, number>();
    let samples = 0;
    for (let y = Math.max(0, top); y < Math.min(pixels.height, bottom); y += step) {
      for (let x = Math.max(0, left); x < Math.min(pixels.width, right); x += step) {
        const offset = (y * pixels.width + x) * 3;
        const name = colourName(...toHsl(pixels.data[offset], pixels.data[offset + 1], pixels.data[offset + 2]));
        counts.set(name, (counts.get(name) ?? 0) + 1);
        samples++;
      }
    }
    const [best] = [...counts].sort((a, b) => b[1] - a[1]);
    return best && best[1] / samples >= 0.4 ? best[0] : null;
  });
}
