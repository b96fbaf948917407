/**
 * Concept matching without a model, from WordNet: "puppy" finds dogs, "automobile" finds cars, "kitten" finds cats.
 *
 * Each indexed word is turned into concept tokens — the WordNet synset of its most common sense and what it is a
 * kind of (hypernyms, a few levels up). A query word looks for its own synset (synonyms: automobile finds car), for
 * words that are kinds of it (animal finds dog) and for its direct hypernyms named plainly (puppy finds dog).
 * These matches rank below exact word matches.
 */
import { STOP_WORDS, tokenize } from './query.js';
import { NUMBER, numberHasSenses } from './similarity.js';
import { baseForm, type PartOfSpeech, senses, synset } from './wordnet.js';

/** How many of a word's senses count (WordNet lists the most frequent first). */
const DOCUMENT_SENSES = 1;
const QUERY_SENSES = 1;
/** How far up a query word reaches by name: puppy → dog (1). Further (dog → carnivore) finds too much. */
const QUERY_HYPERNYM_DEPTH = 1;
/** How far up "is a kind of" a document word reaches: dog → canine, domestic animal → animal. */
const DOCUMENT_HYPERNYM_DEPTH = 3;

export interface QueryConcept {
  word: string;
  /** Concept tokens to look for. */
  tokens: string[];
  /** Related words, for explaining matches ("puppy → dog"). */
  related: string[];
}

/**
 * Query words reach up "is a kind of" only between visible things (false: any noun, as before issue 15; kept
 * settable so `glimpse eval search` figures can be compared).
 */
export const CONCEPT_EXPANSION = { visibleOnly: true };

const documentCache = new Map<string, string[]>();

/**
 * Two kinds of token: `n02086723` says "this word means dog"; `an02086723` says "this word means a kind of dog"
 * (puppy, poodle). A query for dog looks for both; a query for puppy looks for puppies and for plain "dog" — but not
 * for everything else that is a kind of dog's parents, which would let "dog" find tabby cats (both domestic animals).
 */
function token(pos: PartOfSpeech, offset: number): string {
  return `${pos[0]}${offset}`;
}

function ancestorToken(pos: PartOfSpeech, offset: number): string {
  return `a${pos[0]}${offset}`;
}

function lemmaSenses(word: string): { pos: PartOfSpeech; offsets: number[] }[] {
  const found: { pos: PartOfSpeech; offsets: number[] }[] = [];
  for (const pos of ['noun', 'verb'] as const) {
    const base = baseForm(word, pos);
    if (base) found.push({ pos, offsets: senses(base, pos) });
  }
  return found;
}

/** Whether WordNet knows the word (any inflection) as a noun or verb: concept matching handles those. */
export function hasWordNetSenses(word: string): boolean {
  return lemmaSenses(word).some((found) => found.offsets.length > 0);
}

/** Concept tokens for one document word (cached: the same words recur across a library). */
export function documentWordConcepts(word: string): string[] {
  let cached = documentCache.get(word);
  if (cached) return cached;
  const tokens = new Set<string>();
  for (const { pos, offsets } of lemmaSenses(word)) {
    for (const offset of offsets.slice(0, DOCUMENT_SENSES)) {
      tokens.add(token(pos, offset));
      // Only nouns have a useful "kind of" tree for pictures; verb hypernyms are too abstract ("sit" → "change posture").
      if (pos === 'noun') addHypernyms(offset, pos, DOCUMENT_HYPERNYM_DEPTH, tokens);
    }
  }
  cached = [...tokens];
  documentCache.set(word, cached);
  return cached;
}

function addHypernyms(offset: number, pos: PartOfSpeech, depth: number, into: Set<string>) {
  if (depth === 0) return;
  for (const parent of synset(offset, pos).hypernyms) {
    into.add(ancestorToken(pos, parent));
    addHypernyms(parent, pos, depth - 1, into);
  }
}

/** The concept text indexed for a document: its content words' concepts, space-separated. */
export function documentConcepts(text: string): string {
  const tokens = new Set<string>();
  for (const word of tokenize(text)) {
    if (STOP_WORDS.has(word) || /^\d+$/.test(word)) continue;
    for (const concept of documentWordConcepts(word)) tokens.add(concept);
  }
  return [...tokens].join(' ');
}

/** Concepts for a query word: its senses, synonyms and direct hypernyms (puppy → dog, kitten → cat). */
export function queryWordConcepts(word: string): QueryConcept {
  const tokens = new Set<string>();
  const related = new Set<string>();
  for (const { pos, offsets } of lemmaSenses(word)) {
    for (const offset of offsets.slice(0, QUERY_SENSES)) {
      const own = synset(offset, pos);
      tokens.add(token(pos, offset));
      if (pos === 'noun') tokens.add(ancestorToken(pos, offset));
      for (const synonym of own.words) related.add(synonym);
      // Up the tree only from things one can see: "puppy → dog", not "people → group".
      if (pos !== 'noun' || (CONCEPT_EXPANSION.visibleOnly && !VISIBLE_THINGS.has(own.lexicalFile))) continue;
      const addParents = (child: number, depth: number) => {
        if (depth === 0) return;
        for (const parent of synset(child, pos).hypernyms) {
          tokens.add(token(pos, parent));
          for (const parentWord of synset(parent, pos).words.slice(0, 2)) related.add(parentWord);
          addParents(parent, depth - 1);
        }
      };
      addParents(offset, QUERY_HYPERNYM_DEPTH);
      // WordNet files young animals under "young mammal"; the gloss says what they are ("young domestic cat").
      const young = /^(?:an? )?young (?:[a-z]+ )?([a-z]+)\b/.exec(own.gloss);
      if (young) {
        for (const adult of senses(young[1], 'noun').slice(0, 1)) {
          tokens.add(token('noun', adult));
          related.add(young[1]);
        }
      }
    }
  }
  related.delete(word);
  // Explanations name words that mean a visible thing first ("person", not "soul" of person's synonyms).
  const plain = [...related].filter((w) => !w.includes(' ') && namesVisibleThing(w));
  return { word, tokens: [...tokens], related: plain.slice(0, 6) };
}

/** How far up "is a kind of" `isKindOf` looks: pizza → dish → nutriment → food, cat → … → animal (7). */
const KIND_DEPTH = 8;
/** Each word's most common noun sense (null: none). Keyed by one word, not by pair: rerank asks about every pair. */
const firstNounSenses = new Map<string, number | null>();

/** A word's most common noun sense (null: none), for isKindOfSense. */
export function firstNounSense(word: string): number | null {
  let found = firstNounSenses.get(word);
  // A number's noun base form is itself if WordNet has it (no rule of baseForm applies to digits), else none.
  if (found === undefined && NUMBER.test(word) && !numberHasSenses(word)) return null;
  if (found === undefined) {
    found = senses(baseForm(word, 'noun') ?? word, 'noun')[0] ?? null;
    // A number (a file name's) is not kept: see NUMBER in similarity.ts.
    if (NUMBER.test(word)) return found;
    if (firstNounSenses.size > 200_000) firstNounSenses.clear();
    firstNounSenses.set(word, found);
  }
  return found;
}

/**
 * Is a thing named `specific` a kind of `general`, by their most common noun senses ("dog" of "animal", "man" of
 * "person", "pizza" of "food")? A photo of a dog is a photo of an animal; the reverse does not hold.
 */
export function isKindOf(specific: string, general: string): boolean {
  const target = firstNounSense(general);
  if (target === null) return false;
  return isKindOfSense(firstNounSense(specific), target);
}

/** isKindOf by the words' first noun senses (firstNounSense), for comparing one word with many. */
export function isKindOfSense(start: number | null, target: number | null): boolean {
  if (target === null || start === null || start === target) return false;
  const depth = ancestorDepths(start).get(target);
  return depth !== undefined && depth <= KIND_DEPTH;
}

const ancestorCache = new Map<number, Map<number, number>>();

/**
 * Every noun synset up to KIND_DEPTH levels above `offset`, with the fewest levels it is above it. Worked out once
 * per synset from its parents' (rerank asks isKindOf for every caption word against every query word, and the
 * words of a library share their ancestors: walking the tree each time was most of a first search's cost).
 */
function ancestorDepths(offset: number): Map<number, number> {
  let depths = ancestorCache.get(offset);
  if (depths) return depths;
  depths = new Map();
  const found = depths;
  for (const parent of synset(offset, 'noun').hypernyms) {
    found.set(parent, 1);
    // forEach, not for…of over entries: no iterator and pair allocated at each step in code not yet compiled.
    ancestorDepths(parent).forEach((depth, ancestor) => {
      const known = found.get(ancestor);
      if (depth < KIND_DEPTH && (known === undefined || depth + 1 < known)) found.set(ancestor, depth + 1);
    });
  }
  if (ancestorCache.size > 100_000) ancestorCache.clear();
  ancestorCache.set(offset, depths);
  return depths;
}

/** WordNet lexicographer files of things a picture can show: animal, artifact, body, food, location, object, person, plant. */
const VISIBLE_THINGS = new Set([5, 6, 8, 13, 15, 17, 18, 20]);
const visibleCache = new Map<string, boolean>();

/**
 * Does the word name a thing one can see (a dog, a cup, a beach) rather than an action, a quality or an idea? Such
 * words decide what a picture shows; matching them counts for more. General knowledge from WordNet, not tuned to
 * any data set.
 */
export function namesVisibleThing(word: string): boolean {
  let cached = visibleCache.get(word);
  if (cached !== undefined) return cached;
  const base = /(ing|ed)$/.test(word) && baseForm(word, 'verb') ? null : baseForm(word, 'noun');
  const first = base ? senses(base, 'noun')[0] : undefined;
  cached = first !== undefined && VISIBLE_THINGS.has(synset(first, 'noun').lexicalFile);
  visibleCache.set(word, cached);
  return cached;
}
