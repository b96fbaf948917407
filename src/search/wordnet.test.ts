import assert from 'node:assert/strict';
import { test } from 'node:test';
import { baseForm, senses, synset } from './wordnet.js';

test('base forms: irregular forms, suffix rules, doubled consonants, the commoner of two candidates', () => {
  assert.equal(baseForm('mice', 'noun'), 'mouse');
  assert.equal(baseForm('ran', 'verb'), 'run');
  assert.equal(baseForm('buses', 'noun'), 'bus', 'the first noun rule that applies');
  assert.equal(baseForm('running', 'verb'), 'run');
  assert.equal(baseForm('singing', 'verb'), 'sing', 'sing has more senses than singe');
  assert.equal(baseForm('Dogs', 'noun'), 'dog');
  assert.equal(baseForm('qwzx', 'noun'), null);
});

test('words named like object properties are plain words ("glimpse search constructor" used to crash)', () => {
  assert.equal(baseForm('constructor', 'noun'), 'constructor');
  for (const word of ['__proto__', 'hasownproperty', 'valueof']) {
    assert.equal(baseForm(word, 'noun'), null, word);
    assert.equal(baseForm(word, 'verb'), null, word);
  }
});

test('senses and synsets: compound lemmas with spaces, hypernyms, glosses', () => {
  const [hotDog] = senses('hot dog', 'noun');
  assert.ok(hotDog !== undefined);
  assert.ok(synset(hotDog, 'noun').words.includes('hot dog'));
  const dog = synset(senses('dog', 'noun')[0], 'noun');
  assert.ok(dog.hypernyms.some((parent) => synset(parent, 'noun').words.includes('canine')));
  assert.match(dog.gloss, /domesticated/);
  assert.equal(dog.lexicalFile, 5, 'noun.animal');
  assert.equal(senses('dog', 'noun'), senses('dog', 'noun'), 'cached');
});
