/**
 * The lemmas of a WordNet definition's words ("surfboard: a narrow buoyant board for riding surf" → narrow, buoyant,
 * board, ride, surf), which reranking compares with a caption's words (see definitionsRelate in similarity.ts).
 * Worked out at build time into the synset tables (synset-table.ts) by the same function that works them out here
 * when a table is missing or was made by other code.
 */
import { STOP_WORDS, tokenize } from './query.js';
import { lemmaWord } from './sentence.js';
import type { SynsetTable } from './synset-table.js';
import { morphologySource, type PartOfSpeech, synset, synsetTable } from './wordnet.js';

/** The lemmas of a definition's words of three letters or more, stop words left out, in order, each once. */
export function lemmasOfGloss(gloss: string): string[] {
  const found = new Set<string>();
  for (const token of tokenize(gloss))
    if (token.length > 2 && !STOP_WORDS.has(token)) found.add(lemmaWord(token).lemma);
  return [...found];
}

let code: string | undefined;

/**
 * The source of the code lemmasOfGloss runs: it, tokenize, the stop words, lemmaWord and WordNet's base forms. A
 * table keeps the source it was made with; comparing the two texts costs less than hashing one.
 */
export function definitionCode(): string {
  code ??= [
    lemmasOfGloss.toString(),
    tokenize.toString(),
    [...STOP_WORDS].join(' '),
    lemmaWord.toString(),
    morphologySource(),
  ].join('\n');
  return code;
}

/** Per part of speech, its synset table when that holds definitions made by this code, else null. */
const usable = new Map<PartOfSpeech, SynsetTable | null>();

/** The lemmas of the definition of a synset: from its table when it was made by this code, else from its gloss. */
export function definitionLemmas(offset: number, pos: PartOfSpeech): readonly string[] {
  let table = usable.get(pos);
  if (table === undefined) {
    const found = synsetTable(pos);
    usable.set(pos, (table = found && found.code === definitionCode() ? found : null));
  }
  return table?.definitionLemmas(offset) ?? lemmasOfGloss(synset(offset, pos).gloss);
}
