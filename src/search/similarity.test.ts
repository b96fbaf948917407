import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { lemmaWord } from './sentence.js';
import { DISTANT, definitionsRelate, RELATED, SYNONYM, wordSimilarity } from './similarity.js';

const similarity = (a: string, b: string) => wordSimilarity(lemmaWord(a), lemmaWord(b));

describe('word similarity from WordNet', () => {
  test('the same word in any form', () => {
    assert.equal(similarity('dogs', 'dog'), 1);
    assert.equal(similarity('riding', 'rides'), 1);
  });

  test('synonyms, kinds of, derived words, siblings', () => {
    assert.equal(similarity('automobile', 'car'), SYNONYM);
    assert.equal(similarity('puppy', 'dog'), RELATED);
    assert.equal(similarity('dog', 'puppy'), RELATED, 'both ways');
    assert.equal(similarity('skater', 'skate'), RELATED);
    assert.equal(similarity('sofa', 'chair'), DISTANT);
  });

  test('unrelated words are not alike', () => {
    assert.equal(similarity('dog', 'pizza'), 0);
    assert.equal(similarity('giraffe', 'umbrella'), 0);
  });

  test('definitions relate words the "kind of" tree does not', () => {
    const related = (a: string, b: string) => definitionsRelate(lemmaWord(a), lemmaWord(b));
    assert.equal(similarity('racket', 'tennis'), 0);
    assert.ok(related('racket', 'tennis'));
    assert.ok(related('tennis', 'racket'), 'both ways');
    assert.ok(related('surfboard', 'waves'), 'in any form');
    assert.ok(related('giraffe', 'neck'));
    assert.ok(!related('dog', 'umbrella'));
  });
});
