import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Signals } from '../analysis/signals.js';
import { answerQuestion } from './ask.js';

const scene: Signals = {
  width: 640,
  height: 480,
  objects: [
    { label: 'person', score: 0.8, box: { x: 0.1, y: 0.1, width: 0.2, height: 0.6 } },
    { label: 'person', score: 0.7, box: { x: 0.5, y: 0.1, width: 0.2, height: 0.6 } },
    { label: 'dog', score: 0.6, box: { x: 0.3, y: 0.6, width: 0.2, height: 0.2 } },
    { label: 'cat', score: 0.22, box: { x: 0.8, y: 0.8, width: 0.1, height: 0.1 } },
  ],
  objectColours: [null, null, 'dark red', null],
  colours: [
    { name: 'green', share: 0.4 },
    { name: 'blue', share: 0.3 },
  ],
  brightness: 0.5,
  saturation: 0.4,
  text: { lines: ['NO PARKING'], confidence: 91 },
  safety: null,
  exif: null,
};

describe('ask', () => {
  it('counts', () => {
    const reply = answerQuestion('How many people are there?', scene);
    assert.equal(reply.answered, true);
    assert.match(reply.answer, /^Two: two people detected\.$/);
    assert.match(answerQuestion('how many cars?', scene).answer, /^None/);
  });

  it('answers presence, with low-confidence detections marked as such', () => {
    assert.match(answerQuestion('Is there a dog?', scene).answer, /^Yes: a dog\.$/);
    assert.match(answerQuestion('Is there a horse?', scene).answer, /^No, I do not detect any horses\.$/);
    assert.match(answerQuestion('Is there a cat?', scene).answer, /^Possibly/);
    assert.match(answerQuestion('Does the photo contain any animals?', scene).answer, /^Yes: a dog\.$/);
  });

  it('reads text and names colours', () => {
    assert.equal(answerQuestion('What does the sign say?', scene).answer, 'The text reads: "NO PARKING".');
    assert.match(answerQuestion('What colours are in it?', scene).answer, /green \(40%\) and blue \(30%\)/);
    assert.equal(answerQuestion('What colour is the dog?', scene).answer, 'The dog looks mostly red.');
    assert.match(answerQuestion('What colour is the car?', scene).answer, /^I cannot tell that colour/);
  });

  it('refuses what it cannot know and names providers that can', () => {
    const reply = answerQuestion('Why is the man smiling?', scene);
    assert.equal(reply.answered, false);
    assert.match(
      reply.answer,
      /Ask a vision-language provider instead: openai, anthropic, gemini, ollama, openai-compatible\.$/,
    );
  });
});
