import assert from 'node:assert/strict';
import { test } from 'node:test';
import { altProblem, MAX_ALT_LENGTH, toAltText } from './classify.js';

test('alt texts that need fixing: missing, empty, file names, placeholders', () => {
  assert.equal(altProblem(null, false), 'missing');
  assert.equal(altProblem('  ', false), 'empty');
  assert.equal(altProblem('', true), null, 'decorative');
  assert.equal(altProblem(null, true), 'missing', 'decorative needs alt=""');
  for (const name of [
    'IMG_0042.png',
    'DSC01234',
    'photo.JPG',
    'hero-banner.webp',
    'assets/img/x.png',
    'PXL_20240101_0932',
  ])
    assert.equal(altProblem(name, false), 'file name', name);
  for (const placeholder of ['image', 'Photo', 'PICTURE', 'graphic', 'Untitled', 'image 1', 'photo-2', 'Image:'])
    assert.equal(altProblem(placeholder, false), 'placeholder', placeholder);
  for (const fine of ['A red bus', 'Photo of the team at the 2019 retreat', 'Logo', 'Chart: sales by month'])
    assert.equal(altProblem(fine, false), null, fine);
});

test('suggested alt text: no "image of", at most 125 characters, cut at a word', () => {
  assert.equal(toAltText('An image of a dog on a beach.'), 'A dog on a beach.');
  assert.equal(toAltText('a close-up photo showing two cups of coffee'), 'Two cups of coffee');
  assert.equal(toAltText('This image shows a cat'), 'A cat');
  const long = toAltText(`${'word '.repeat(40)}end`);
  assert.ok(long.length <= MAX_ALT_LENGTH && !long.endsWith(' ') && long.startsWith('Word'));
  const sentences = toAltText(
    `A red bus waits at a stop in the rain while people board it. ${'More detail '.repeat(20)}`,
  );
  assert.equal(sentences, 'A red bus waits at a stop in the rain while people board it.');
});
