/**
 * Relevance judged from the human captions alone, for search precision: an image is about a word when one of its
 * reference captions uses that word or a WordNet synonym of it ("bike" for "bicycle"). No model and no tuning:
 * the references are the ground truth, read with the same WordNet the search uses.
 *
 * - Subject precision (caption queries): the share of the results whose references name the query's subject (its
 *   first visible thing: "man" of "A man holding a tennis racquet"). Right image or not, a result about something
 *   else is noise to the person searching.
 * - Word queries: short queries built from the references ("dog", "beach", "people beach"), each with a known
 *   answer set (the images whose references name every word). Precision is the share of the results in the answer
 *   set; coverage the share of the answer set found.
 */
import { analyseSentence, type Word } from '../search/sentence.js';
import { SYNONYM, wordSimilarity } from '../search/similarity.js';

export interface WordQuery {
  query: string;
  /** Indexes (into the entries given to `referenceIndex`) of the images the query is about. */
  answers: Set<number>;
}

export class ReferenceIndex {
  /** Per image, the lemmas of its reference captions' content words. */
  private readonly lemmas: Set<string>[];
  /** Per image, the lemmas of the visible things its references name. */
  private readonly things: Set<string>[];
  /** Every lemma of the references, with one Word for it. */
  private readonly vocabulary = new Map<string, Word>();
  private readonly matching = new Map<string, Set<string>>();

  constructor(references: readonly (readonly string[])[]) {
    this.lemmas = references.map(() => new Set());
    this.things = references.map(() => new Set());
    references.forEach((captions, index) => {
      for (const caption of captions) {
        const sentence = analyseSentence(caption);
        for (const word of sentence.words) {
          this.lemmas[index].add(word.lemma);
          if (!this.vocabulary.has(word.lemma)) this.vocabulary.set(word.lemma, word);
        }
        for (const { word } of sentence.things) {
          this.things[index].add(word.lemma);
          if (!this.vocabulary.has(word.lemma)) this.vocabulary.set(word.lemma, word);
        }
      }
    });
  }

  get size(): number {
    return this.lemmas.length;
  }

  /** The reference lemmas that count as the same word as this one: itself and its synonyms. */
  private matches(word: Word): Set<string> {
    let found = this.matching.get(word.lemma);
    if (!found) {
      found = new Set([word.lemma]);
      for (const [lemma, other] of this.vocabulary) if (wordSimilarity(word, other) >= SYNONYM) found.add(lemma);
      this.matching.set(word.lemma, found);
    }
    return found;
  }

  /** Does the image's references use the word or a synonym? */
  mentions(image: number, word: Word): boolean {
    const own = this.lemmas[image];
    for (const lemma of this.matches(word)) if (own.has(lemma)) return true;
    return false;
  }

  /** The query's subject (its first visible thing), or null when it names none. */
  static subject(query: string): Word | null {
    return analyseSentence(query).things[0]?.word ?? null;
  }

  /**
   * Short queries with known answers: the visible things the references name most (in at least `minImages`
   * images and at most a quarter of them), alone and in the pairs that occur together most.
   */
  wordQueries(options: { singles?: number; pairs?: number; minImages?: number; maxShare?: number } = {}): WordQuery[] {
    const { singles = 60, pairs = 40, minImages = 3, maxShare = 0.25 } = options;
    const counts = new Map<string, number>();
    for (const things of this.things) for (const lemma of things) counts.set(lemma, (counts.get(lemma) ?? 0) + 1);
    const eligible = [...counts]
      .filter(([lemma, count]) => count >= minImages && count <= this.size * maxShare && /^[a-z]+$/.test(lemma))
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
      .map(([lemma]) => lemma);
    const answersFor = (words: string[]) => {
      const answers = new Set<number>();
      for (let image = 0; image < this.size; image++)
        if (words.every((lemma) => this.mentions(image, this.vocabulary.get(lemma)!))) answers.add(image);
      return answers;
    };
    const queries: WordQuery[] = eligible.slice(0, singles).map((lemma) => ({
      query: lemma,
      answers: answersFor([lemma]),
    }));
    const together = new Map<string, number>();
    const top = new Set(eligible.slice(0, 2 * singles));
    for (const things of this.things) {
      const present = [...things].filter((lemma) => top.has(lemma)).sort();
      for (let i = 0; i < present.length; i++)
        for (let j = i + 1; j < present.length; j++) {
          const key = `${present[i]} ${present[j]}`;
          together.set(key, (together.get(key) ?? 0) + 1);
        }
    }
    const chosen = [...together]
      .filter(([, count]) => count >= minImages)
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
      .slice(0, pairs);
    for (const [key] of chosen) queries.push({ query: key.replace(' ', ' and '), answers: answersFor(key.split(' ')) });
    return queries.filter((query) => query.answers.size > 0);
  }
}
