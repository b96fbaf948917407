import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  analyseSentence,
  decodeDocumentSentences,
  encodeDocumentSentences,
  lemmaWord,
  MANY,
  SENTENCE_FORMAT,
} from './sentence.js';

const things = (text: string) =>
  analyseSentence(text).things.map((thing) => [thing.word.lemma, thing.number, thing.colour]);

describe('a caption read as a sentence', () => {
  test('content words become lemmas; -ing words their verb', () => {
    assert.deepEqual(
      analyseSentence('Two horses riding on the beach').words.map((word) => word.lemma),
      ['two', 'horse', 'ride', 'beach'],
    );
    assert.equal(lemmaWord('women').lemma, 'woman');
    // Of two verbs WordNet knows, the commoner: sing, not singe; swing, not swinge.
    assert.equal(lemmaWord('singing').lemma, 'sing');
    assert.equal(lemmaWord('swinging').lemma, 'swing');
    assert.equal(lemmaWord('lying').lemma, 'lie');
    assert.ok(lemmaWord('riding').forms.includes('riding'), 'the surface form counts as the same word too');
  });

  test('two words WordNet knows as one thing are joined', () => {
    assert.deepEqual(
      analyseSentence('a man on a skate board').words.map((word) => word.lemma),
      ['man', 'skateboard'],
    );
    // A hot dog is food, not a dog.
    assert.deepEqual(
      analyseSentence('a hot dog with mustard').words.map((word) => word.lemma),
      ['hotdog', 'mustard'],
    );
  });

  test('things come with how many and their colour', () => {
    assert.deepEqual(things('Two black dogs on a red couch'), [
      ['dog', 2, 'black'],
      ['couch', 1, 'red'],
    ]);
    assert.deepEqual(things('A group of horses in a field'), [
      ['horse', MANY, null],
      ['field', 1, null],
    ]);
    assert.deepEqual(things('Horses grazing'), [['horse', MANY, null]]);
    assert.deepEqual(things('a couple of grey cats'), [['cat', 2, 'gray']]);
    assert.deepEqual(things('The men and a child'), [
      ['man', MANY, null],
      ['child', 1, null],
    ]);
  });

  test('the first number word of the sentence', () => {
    assert.equal(analyseSentence('three people and two dogs').count, 3);
    assert.equal(analyseSentence('a herd of sheep').count, 7);
    assert.equal(analyseSentence('a dog').count, 0);
  });

  test('words that are names of JavaScript object members are plain words', () => {
    // "constructor" once read as a count word (Object's own property), and "dogs" after it got a function for a number.
    assert.deepEqual(things('a constructor of dogs'), [
      ['constructor', 1, null],
      ['dog', MANY, null],
    ]);
    assert.equal(analyseSentence('toString valueOf hasOwnProperty').count, 0);
  });

  test('a reading stored with the row reads back as the same sentences (ids aside)', () => {
    // Without the ids (numbers of this process); everything else must be equal, down to each word's forms.
    const plain = (sentence: ReturnType<typeof analyseSentence>) => ({
      words: sentence.words.map(({ lemma, forms, surface }) => ({ lemma, forms, surface })),
      things: sentence.things.map(({ word, number, colour }) => ({ lemma: word.lemma, number, colour })),
      count: sentence.count,
    });
    const rows = [
      ['Two black dogs on a red couch', 'dog, couch\nalbum 7 IMG 1234 jpg'],
      ['A man riding a skate board next to a hot dog stand', 'skateboard\nparty IMG 0042 jpg'],
      ['A group of horses grazing', 'horses, field'],
      ['', 'holiday 2024 beach jpg'],
      ['a couple of grey cats', 'hot dog'],
    ];
    for (const [reranked, extra] of rows) {
      const covered = [reranked, extra].filter(Boolean).join('\n');
      const decoded = decodeDocumentSentences(encodeDocumentSentences(reranked, covered))!;
      assert.deepEqual(plain(decoded.reranked), plain(analyseSentence(reranked)), reranked);
      assert.deepEqual(plain(decoded.covered).words, plain(analyseSentence(covered)).words, covered);
    }
    // Another format's reading (or a broken one) is not used: the row is analysed again.
    assert.equal(decodeDocumentSentences('[0,1,[],[],0,[]]'), null);
    assert.equal(decodeDocumentSentences('not json'), null);
  });
});

/**
 * Readings stored by format 1: a library keeps them until its rows are written again, so a change to how a text is
 * read (analyseSentence's rules or the WordNet data it reads) must bump SENTENCE_FORMAT, or old rows would rank by
 * the old reading. When this fails: bump SENTENCE_FORMAT in sentence.ts, then write the new readings here.
 */
const STORED_READINGS: [string, string, string][] = [
  [
    'Two brown dogs running on a sandy beach.\ndog, beach, sand',
    'Two brown dogs running on a sandy beach.\ndog, beach, sand\nIMG_0042.jpg',
    '[1,2,["two","brown",["dogs","dog","dog"],["running","run","run"],"sandy","beach","dog","beach","sand"],[["dogs",2,"brown"],["beach",1],["dog",1],["beach",1]],9,["img","0042","jpg"]]',
  ],
  [
    'A man holding a hot dog and a coffee cup.',
    'A man holding a hot dog and a coffee cup.\nSTARBUCKS\n2024/paris/cafe 17.png',
    '[1,0,["man",["holding","hold","hold"],[0,"hotdog","dog"],[0,"coffee cup","cup"]],[["man",1],["dog",1],["coffee",1],["cup",1]],4,["starbucks","2024","paris","cafe","17","png"]]',
  ],
  [
    'three red double-decker buses parked beside the road',
    'three red double-decker buses parked beside the road\nLONDON TRANSPORT',
    '[1,3,["three","red","double","decker",["buses","bus","bus"],["parked","park","park"],"beside","road"],[["decker",3,"red"],["buses",99],["road",1]],8,["london","transport"]]',
  ],
  ['', '', '[1,0,[],[],0,[]]'],
];

test('texts are read as the stored readings of this format say (else SENTENCE_FORMAT must be bumped)', () => {
  assert.equal(SENTENCE_FORMAT, 1, 'SENTENCE_FORMAT was bumped: write the readings below anew for the new format');
  for (const [reranked, covered, stored] of STORED_READINGS)
    assert.equal(
      encodeDocumentSentences(reranked, covered),
      stored,
      `"${reranked}" is read differently than format ${SENTENCE_FORMAT} stored it: bump SENTENCE_FORMAT in sentence.ts`,
    );
});
