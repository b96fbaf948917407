/**
 * How well look-alike vectors group images by what they show: for each image, the share of its k nearest
 * neighbours (cosine) that share a COCO object class with it, against the share a random pick would have.
 *
 * The classes of an image are the COCO classes its human captions name: the class's word, a WordNet synonym, or a
 * kind of it ("man" is a person, "puppy" a dog). Images whose captions name none are left out.
 */
import { COCO_LABELS } from '../providers/builtin/analysis/coco-labels.js';
import { isKindOf } from '../search/concepts.js';
import { analyseSentence } from '../search/sentence.js';
import { SYNONYM, wordSimilarity } from '../search/similarity.js';

/** The COCO classes the captions name. */
export function cocoClassesNamed(captions: readonly string[]): Set<string> {
  const words = captions.flatMap((caption) => analyseSentence(caption).words);
  const named = new Set<string>();
  for (const label of COCO_LABELS) {
    const labelWord = analyseSentence(label).words.at(-1);
    if (!labelWord) continue;
    if (words.some((word) => wordSimilarity(word, labelWord) >= SYNONYM || isKindOf(word.lemma, labelWord.lemma)))
      named.add(label);
  }
  return named;
}

export interface NeighbourAgreement {
  /** Mean share of each image's k nearest that share a class with it. */
  share: number;
  /** The same share for k images picked at random (its expectation, worked out exactly). */
  random: number;
  /** Images measured (those with at least one class). */
  images: number;
  k: number;
}

export function neighbourAgreement(
  vectors: readonly (readonly number[])[],
  classes: readonly Set<string>[],
  k = 5,
): NeighbourAgreement {
  const measured = vectors.map((_, index) => index).filter((index) => classes[index].size > 0);
  const shares = (a: number, b: number) => [...classes[a]].some((label) => classes[b].has(label));
  let share = 0;
  let random = 0;
  for (const index of measured) {
    const others = measured.filter((other) => other !== index);
    const nearest = others
      .map((other) => ({ other, similarity: dot(vectors[index], vectors[other]) }))
      .sort((a, b) => b.similarity - a.similarity || a.other - b.other)
      .slice(0, k);
    share += nearest.filter(({ other }) => shares(index, other)).length / Math.max(1, nearest.length);
    random += others.filter((other) => shares(index, other)).length / Math.max(1, others.length);
  }
  const count = Math.max(1, measured.length);
  return { share: share / count, random: random / count, images: measured.length, k };
}

function dot(a: readonly number[], b: readonly number[]): number {
  let total = 0;
  let lengthA = 0;
  let lengthB = 0;
  for (let index = 0; index < a.length; index++) {
    total += a[index] * b[index];
    lengthA += a[index] * a[index];
    lengthB += b[index] * b[index];
  }
  return lengthA > 0 && lengthB > 0 ? total / Math.sqrt(lengthA * lengthB) : 0;
}
