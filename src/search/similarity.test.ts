import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { lemmaWord } from './sentence.js';
import { DISTANT, RELATED, SYNONYM, wordSimilarity } from './similarity.js';

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
});
