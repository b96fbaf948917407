import assert from 'node:assert/strict';
import { test } from 'node:test';
import { baseForm, mayHaveNounBaseForm, senses, synset } from './wordnet.js';

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

test('mayHaveNounBaseForm is false only where baseForm finds no noun, and rules out most pairs of caption words', () => {
  const words = (
    'a man woman people child boy girl dog dogs cat horse bird cow sheep elephant bear zebra giraffe car bus buses ' +
    'truck train boat street road city building house kitchen table chair couch bed room window door wall field grass ' +
    'tree beach ocean water wave snow mountain sky sun park bench sign clock pizza sandwich cake plate bowl cup glass ' +
    'bottle food fruit banana apple orange hot dog laptop phone book umbrella bag kite ball bat glove skate board ' +
    'surf tennis court baseball soccer player game sitting riding holding red blue white black two men mice ' +
    'fire hydrant stop traffic light teddy stuffed ice cream coffee img 1234 jpg 1st class catch 22 caf\u00e9'
  ).split(' ');
  let ruledOut = 0;
  let pairs = 0;
  for (const first of words)
    for (const second of words)
      for (const candidate of [first + second, `${first} ${second}`]) {
        pairs++;
        const possible = mayHaveNounBaseForm(candidate);
        if (!possible) ruledOut++;
        if (baseForm(candidate, 'noun') !== null) assert.ok(possible, candidate);
      }
  for (const word of [
    ...words,
    'Women',
    'mice',
    'hot dogs',
    'tennis courts',
    'surfboards',
    'firehydrant',
    'teddy bears',
  ])
    if (baseForm(word, 'noun') !== null) assert.ok(mayHaveNounBaseForm(word), word);
  assert.ok(mayHaveNounBaseForm('hot dogs') && mayHaveNounBaseForm('women'));
  assert.equal(mayHaveNounBaseForm('snow tennis'), false);
  assert.ok(ruledOut > pairs * 0.3, `${ruledOut} of ${pairs} ruled out`);
});
