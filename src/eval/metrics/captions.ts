/**
 * All caption metrics in one call, on raw strings: tokenises as the COCO evaluation does, then BLEU-1..4
 * (corpus), ROUGE-L (mean over images) and CIDEr-D (document frequencies over this set's references), and how
 * honest the captions are about what they name: noun and scene precision and recall (nouns.ts).
 * This is the entry point other modules import.
 */
import { type CaptionPair, corpusBleu } from './bleu.js';
import { ciderD } from './cider.js';
import { namingScores } from './nouns.js';
import { rougeL } from './rouge.js';
import { tokenizeCaption } from './tokenize.js';

export interface CaptionItem {
  candidate: string;
  references: readonly string[];
}

export interface CaptionMetrics {
  'BLEU-1': number;
  'BLEU-2': number;
  'BLEU-3': number;
  'BLEU-4': number;
  'ROUGE-L': number;
  'CIDEr-D': number;
  /** Share of the objects a caption names that a reference also names (see nouns.ts); NaN when none is named. */
  'noun precision': number;
  /** Share of the objects most references name that the caption names. */
  'noun recall': number;
  /** The same for places ("kitchen", "beach", "street"…); NaN when no caption names one. */
  'scene precision': number;
  'scene recall': number;
}

export interface CaptionScores {
  metrics: CaptionMetrics;
  /** Per image, in input order: CIDEr-D and ROUGE-L (BLEU is a corpus statistic; per image it is too noisy). */
  perImage: { 'CIDEr-D': number; 'ROUGE-L': number }[];
}

export function tokenizePairs(items: readonly CaptionItem[]): CaptionPair[] {
  return items.map((item) => ({
    candidate: tokenizeCaption(item.candidate),
    references: item.references.map(tokenizeCaption),
  }));
}

export function scoreCaptions(items: readonly CaptionItem[]): CaptionScores {
  const pairs = tokenizePairs(items);
  const bleu = corpusBleu(pairs, 4);
  const cider = ciderD(pairs);
  const rouge = pairs.map((pair) => rougeL(pair.candidate, pair.references));
  const nouns = namingScores(items, 'objects');
  const scenes = namingScores(items, 'scenes');
  const meanRouge = rouge.length === 0 ? 0 : rouge.reduce((a, b) => a + b, 0) / rouge.length;
  return {
    metrics: {
      'BLEU-1': bleu.scores[0],
      'BLEU-2': bleu.scores[1],
      'BLEU-3': bleu.scores[2],
      'BLEU-4': bleu.scores[3],
      'ROUGE-L': meanRouge,
      'CIDEr-D': cider.score,
      'noun precision': nouns.precision,
      'noun recall': nouns.recall,
      'scene precision': scenes.precision,
      'scene recall': scenes.recall,
    },
    perImage: pairs.map((_, index) => ({ 'CIDEr-D': cider.perImage[index], 'ROUGE-L': rouge[index] })),
  };
}
