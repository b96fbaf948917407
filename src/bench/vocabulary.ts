/**
 * Words for synthetic descriptions and queries. When ../shared/data's COCO captions are present, the real caption
 * vocabulary (with real word frequencies) is used; otherwise a small COCO-like list, so the bench runs anywhere.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const COCO_CAPTIONS = fileURLToPath(new URL('../../../shared/data/coco-captions-val2017.json', import.meta.url));

const FALLBACK =
  `a man woman person people child boy girl dog cat horse bird cow sheep elephant bear zebra giraffe car bus truck
train motorcycle bicycle airplane boat street road sidewalk city building house kitchen table chair couch bed room window
door wall field grass tree beach ocean water wave snow mountain sky sun cloud park bench sign clock pizza sandwich cake
plate bowl cup glass bottle food fruit banana apple orange broccoli carrot hot dog donut laptop computer phone television
book umbrella bag suitcase kite frisbee ball bat glove skateboard surfboard skis racket tennis baseball soccer player game
sitting standing walking riding holding eating playing looking flying parked lying laying next to on in of with near
front top under behind large small big little young old white black red blue green yellow brown two three several group
some many together while during outside inside`.split(/\s+/);

export interface Vocabulary {
  /** Words by descending frequency, and the cumulative weights to sample them by. */
  words: string[];
  cumulative: Float64Array;
  /** Real captions, when available (documents start from them). */
  captions: string[];
  source: string;
}

export function loadVocabulary(): Vocabulary {
  let captions: string[] = [];
  let source = 'built-in word list';
  if (existsSync(COCO_CAPTIONS)) {
    const document = JSON.parse(readFileSync(COCO_CAPTIONS, 'utf8')) as { annotations: { caption: string }[] };
    captions = document.annotations.map((annotation) => annotation.caption.trim());
    source = 'COCO val2017 captions';
  }
  const counts = new Map<string, number>();
  for (const text of captions.length > 0 ? captions : [FALLBACK.join(' ')]) {
    for (const word of text.toLowerCase().match(/[a-z]+/g) ?? []) counts.set(word, (counts.get(word) ?? 0) + 1);
  }
  const words = [...counts.entries()].sort((a, b) => b[1] - a[1]).map(([word]) => word);
  const cumulative = new Float64Array(words.length);
  let total = 0;
  words.forEach((word, index) => (cumulative[index] = total += counts.get(word)!));
  return { words, cumulative, captions, source };
}

/** A small deterministic generator (mulberry32), so every run builds the same stores and asks the same queries. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = state;
    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };
}

/** A word drawn by corpus frequency (binary search over cumulative counts). */
export function sampleWord(vocabulary: Vocabulary, random: () => number, skipCommon = 0): string {
  const { cumulative, words } = vocabulary;
  const skip = skipCommon < words.length ? skipCommon : 0;
  const low = skip > 0 ? cumulative[skip - 1] : 0;
  const target = low + random() * (cumulative[cumulative.length - 1] - low);
  let lo = 0;
  let hi = cumulative.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (cumulative[mid] < target) lo = mid + 1;
    else hi = mid;
  }
  return words[lo];
}
