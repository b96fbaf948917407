/**
 * CIDEr-D as pycocoevalcap's Cider scorer computes it (its "CIDEr" is the D variant):
 * - n-grams of order 1..4 weighted by tf-idf, where the document frequency of an n-gram is the number of images
 *   of the evaluated set whose references contain it, and idf = log(images) − log(max(1, df));
 * - per order, the cosine of candidate and reference vectors with the candidate's weights clipped by the
 *   reference's (min(candidate, reference) · reference);
 * - a Gaussian penalty on the length difference, sigma 6. pycocoevalcap measures "length" as the number of
 *   bigrams (its `n == 1` test is on a zero-based order); we do the same so scores match;
 * - averaged over orders and references, times 10; the corpus score is the mean over images.
 */
import type { CaptionPair } from './bleu.js';
import { countNgrams } from './ngrams.js';

export interface CiderOptions {
  maxOrder?: number;
  sigma?: number;
}

interface Vector {
  weights: Map<string, number>[];
  norms: number[];
  length: number;
}

export interface CiderResult {
  score: number;
  perImage: number[];
}

export function ciderD(pairs: readonly CaptionPair[], options: CiderOptions = {}): CiderResult {
  const maxOrder = options.maxOrder ?? 4;
  const sigma = options.sigma ?? 6;
  if (pairs.length === 0) return { score: 0, perImage: [] };

  const referenceCounts = pairs.map((pair) => pair.references.map((reference) => countNgrams(reference, maxOrder)));
  const documentFrequency = new Map<string, number>();
  for (const references of referenceCounts) {
    const seen = new Set<string>();
    for (const counts of references) for (const order of counts) for (const gram of order.keys()) seen.add(gram);
    for (const gram of seen) documentFrequency.set(gram, (documentFrequency.get(gram) ?? 0) + 1);
  }
  const logImages = Math.log(pairs.length);

  const toVector = (counts: Map<string, number>[]): Vector => {
    const weights: Map<string, number>[] = [];
    const norms: number[] = [];
    for (const order of counts) {
      const weighted = new Map<string, number>();
      let squares = 0;
      for (const [gram, termFrequency] of order) {
        const weight = termFrequency * (logImages - Math.log(Math.max(1, documentFrequency.get(gram) ?? 0)));
        weighted.set(gram, weight);
        squares += weight * weight;
      }
      weights.push(weighted);
      norms.push(Math.sqrt(squares));
    }
    let bigrams = 0;
    if (counts.length > 1) for (const count of counts[1].values()) bigrams += count;
    return { weights, norms, length: bigrams };
  };

  const similarity = (candidate: Vector, reference: Vector): number => {
    const delta = candidate.length - reference.length;
    const penalty = Math.exp(-(delta * delta) / (2 * sigma * sigma));
    let sum = 0;
    for (let k = 0; k < maxOrder; k++) {
      let dot = 0;
      for (const [gram, weight] of candidate.weights[k]) {
        const referenceWeight = reference.weights[k].get(gram) ?? 0;
        dot += Math.min(weight, referenceWeight) * referenceWeight;
      }
      if (candidate.norms[k] !== 0 && reference.norms[k] !== 0) dot /= candidate.norms[k] * reference.norms[k];
      sum += dot * penalty;
    }
    return sum / maxOrder;
  };

  const perImage = pairs.map((pair, index) => {
    if (pair.references.length === 0) return 0;
    const candidate = toVector(countNgrams(pair.candidate, maxOrder));
    let total = 0;
    for (const counts of referenceCounts[index]) total += similarity(candidate, toVector(counts));
    return (total / pair.references.length) * 10;
  });
  return { score: perImage.reduce((a, b) => a + b, 0) / perImage.length, perImage };
}
