/**
 * Corpus BLEU-1..N exactly as pycocoevalcap's Bleu scorer computes it (option "closest"): modified n-gram
 * precisions summed over the whole corpus, clipped by the largest count of each n-gram in any one reference,
 * and one brevity penalty from the corpus's candidate length against the sum of each image's closest
 * reference length (ties go to the shorter reference).
 */
import { countNgrams } from './ngrams.js';

export interface CaptionPair {
  candidate: readonly string[];
  references: readonly (readonly string[])[];
}

export interface BleuResult {
  /** BLEU-1..BLEU-maxOrder, each between 0 and 1. */
  scores: number[];
  candidateLength: number;
  referenceLength: number;
  brevityPenalty: number;
}

/** pycocoevalcap adds these so that zero matches give 0 rather than NaN. */
const TINY = 1e-15;
const SMALL = 1e-9;

interface Cooked {
  candidateLength: number;
  referenceLength: number;
  guess: number[];
  correct: number[];
}

function cook(pair: CaptionPair, maxOrder: number): Cooked {
  const candidateLength = pair.candidate.length;
  const maxCounts = new Map<string, number>();
  let referenceLength = Number.NaN;
  let closestGap = Number.POSITIVE_INFINITY;
  for (const reference of pair.references) {
    const gap = Math.abs(reference.length - candidateLength);
    if (gap < closestGap || (gap === closestGap && reference.length < referenceLength)) {
      closestGap = gap;
      referenceLength = reference.length;
    }
    for (const counts of countNgrams(reference, maxOrder)) {
      for (const [gram, count] of counts) maxCounts.set(gram, Math.max(maxCounts.get(gram) ?? 0, count));
    }
  }
  const guess: number[] = [];
  const correct: number[] = [];
  const candidateCounts = countNgrams(pair.candidate, maxOrder);
  for (let k = 0; k < maxOrder; k++) {
    guess.push(Math.max(0, candidateLength - k));
    let matched = 0;
    for (const [gram, count] of candidateCounts[k]) matched += Math.min(maxCounts.get(gram) ?? 0, count);
    correct.push(matched);
  }
  return { candidateLength, referenceLength: Number.isNaN(referenceLength) ? 0 : referenceLength, guess, correct };
}

export function corpusBleu(pairs: readonly CaptionPair[], maxOrder = 4): BleuResult {
  const guess = new Array<number>(maxOrder).fill(0);
  const correct = new Array<number>(maxOrder).fill(0);
  let candidateLength = 0;
  let referenceLength = 0;
  for (const pair of pairs) {
    const cooked = cook(pair, maxOrder);
    candidateLength += cooked.candidateLength;
    referenceLength += cooked.referenceLength;
    for (let k = 0; k < maxOrder; k++) {
      guess[k] += cooked.guess[k];
      correct[k] += cooked.correct[k];
    }
  }
  const ratio = (candidateLength + TINY) / (referenceLength + SMALL);
  const brevityPenalty = ratio < 1 ? Math.exp(1 - 1 / ratio) : 1;
  const scores: number[] = [];
  let product = 1;
  for (let k = 0; k < maxOrder; k++) {
    product *= (correct[k] + TINY) / (guess[k] + SMALL);
    scores.push(product ** (1 / (k + 1)) * brevityPenalty);
  }
  return { scores, candidateLength, referenceLength, brevityPenalty };
}
