/**
 * How alike two words are, from WordNet alone (and, apart, whether their definitions relate them): the same lemma 1, synonyms (same first sense) 0.8, one a direct
 * kind of the other (puppy, dog) or derived from it (skater, skate) 0.6, two steps apart or siblings (cat, dog
 * under "domestic animal"; sofa, chair under "seat") 0.4, else 0. First senses only: WordNet lists the most
 * frequent first, and a caption rarely means a rarer one.
 */
import { definitionLemmas } from './definitions.js';
import type { Word } from './sentence.js';
import { type PartOfSpeech, senses, synset } from './wordnet.js';

export const SYNONYM = 0.8;
export const RELATED = 0.6;
export const DISTANT = 0.4;

interface Neighbourhood {
  own: Set<string>;
  parents: Set<string>;
  grandparents: Set<string>;
  derived: Set<string>;
}

/**
 * A number ("1234" of IMG_1234.jpg): nearly every image has its own, so caching what is worked out for it only fills
 * the caches (and clears them of the words that recur). The same result, worked out each time.
 */
export const NUMBER = /^\d+$/;

const neighbourhoods = new Map<string, Neighbourhood>();

let lastNumber = '';
let lastNumberHasSenses = false;

/**
 * Whether WordNet has a noun or verb sense of a number ("10" has; most numbers, a file name's, have none). Numbers are
 * not cached with the words, but each is asked about once per query word in a row: the last answer is kept.
 */
export function numberHasSenses(number: string): boolean {
  if (number !== lastNumber) {
    lastNumber = number;
    lastNumberHasSenses = senses(number, 'noun').length > 0 || senses(number, 'verb').length > 0;
  }
  return lastNumberHasSenses;
}

/** What a word WordNet has no noun or verb sense of is near: nothing (shared, so that a number costs no allocation). */
const NOWHERE: Neighbourhood = { own: new Set(), parents: new Set(), grandparents: new Set(), derived: new Set() };

function neighbourhood(lemma: string): Neighbourhood {
  let found = neighbourhoods.get(lemma);
  if (found) return found;
  // A number is not kept (below) but asked about for every query word: most are no WordNet word at all.
  if (NUMBER.test(lemma) && !numberHasSenses(lemma)) return NOWHERE;
  found = { own: new Set(), parents: new Set(), grandparents: new Set(), derived: new Set() };
  for (const pos of ['noun', 'verb'] as const satisfies readonly PartOfSpeech[]) {
    const first = senses(lemma, pos)[0];
    if (first === undefined) continue;
    const own = synset(first, pos);
    found.own.add(`${pos[0]}${first}`);
    for (const related of own.derived) found.derived.add(`${related.pos[0]}${related.offset}`);
    for (const parent of own.hypernyms) {
      found.parents.add(`${pos[0]}${parent}`);
      for (const grandparent of synset(parent, pos).hypernyms) found.grandparents.add(`${pos[0]}${grandparent}`);
    }
  }
  // Numbers are left out, as in wordSimilarity's cache: one per image's file name would never be cleared.
  if (!NUMBER.test(lemma)) neighbourhoods.set(lemma, found);
  return found;
}

function meets(a: Set<string>, b: Set<string>): boolean {
  for (const item of a) if (b.has(item)) return true;
  return false;
}

/** Per word, its similarity to the words it has been compared with (small maps look up faster than one big one). */
const cache = new Map<number, Map<number, number>>();

export function wordSimilarity(a: Word, b: Word): number {
  if (a.id === b.id) return 1;
  let row = cache.get(a.id);
  // Looked up before the number test: pairs with a number are never kept, so a pair found is not one.
  let similarity = row?.get(b.id);
  if (similarity !== undefined) return similarity;
  if (NUMBER.test(b.surface) || NUMBER.test(a.surface)) return uncachedSimilarity(a, b);
  if (!row) {
    if (cache.size > 100_000) cache.clear();
    cache.set(a.id, (row = new Map()));
  }
  row.set(b.id, (similarity = uncachedSimilarity(a, b)));
  return similarity;
}

function uncachedSimilarity(a: Word, b: Word): number {
  if (a.lemma === b.lemma) return 1;
  for (const form of a.forms) if (b.forms.includes(form)) return 1;
  let similarity = 0;
  const x = neighbourhood(a.lemma);
  const y = neighbourhood(b.lemma);
  if (meets(x.own, y.own)) similarity = SYNONYM;
  else if (meets(x.own, y.parents) || meets(y.own, x.parents)) similarity = RELATED;
  else if (meets(x.own, y.grandparents) || meets(y.own, x.grandparents) || meets(x.parents, y.parents))
    similarity = DISTANT;
  if (similarity < RELATED && (meets(x.own, y.derived) || meets(y.own, x.derived))) similarity = RELATED;
  return similarity;
}

const glosses = new Map<string, Set<string>>();

/** The gloss lemmas of a word WordNet has no noun or verb sense of (shared: see NOWHERE). */
const NO_GLOSS: ReadonlySet<string> = new Set();

/** Lemmas of the words in the definitions (and examples) of a lemma's first noun and verb senses. */
function glossLemmas(lemma: string): ReadonlySet<string> {
  let found: Set<string> | undefined = glosses.get(lemma);
  if (found) return found;
  if (NUMBER.test(lemma) && !numberHasSenses(lemma)) return NO_GLOSS;
  found = new Set();
  for (const pos of ['noun', 'verb'] as const satisfies readonly PartOfSpeech[]) {
    const first = senses(lemma, pos)[0];
    if (first === undefined) continue;
    for (const definitionLemma of definitionLemmas(first, pos)) found.add(definitionLemma);
  }
  if (NUMBER.test(lemma)) return found;
  if (glosses.size > 100_000) glosses.clear();
  glosses.set(lemma, found);
  return found;
}

/** The lemmas of a word's WordNet definitions (see definitionsRelate), for relating it to many words in turn. */
export function definitionWords(word: Word): ReadonlySet<string> {
  return glossLemmas(word.lemma);
}

/**
 * Does one word's WordNet definition use the other? "racket: a sports implement … used in playing tennis",
 * "surfboard: a narrow buoyant board for riding surf". Related words the "kind of" tree does not connect.
 * The words' definitionWords may be given, when one word is related to many in turn.
 */
export function definitionsRelate(
  a: Word,
  b: Word,
  aDefinitions: ReadonlySet<string> = definitionWords(a),
  bDefinitions: ReadonlySet<string> = definitionWords(b),
): boolean {
  return aDefinitions.has(b.lemma) || bDefinitions.has(a.lemma);
}
