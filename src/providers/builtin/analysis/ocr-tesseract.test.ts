import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { confidentText, isWordLike, looksLikeText } from './ocr-tesseract.js';

type Words = Parameters<typeof confidentText>[0];
const line = (...words: [string, number][]): Words[number] =>
  ({ words: words.map(([text, confidence]) => ({ text, confidence })) }) as unknown as Words[number];
const block = (...boxes: [number, number, number, number][]) =>
  ({ paragraphs: [{ lines: boxes.map(([x0, y0, x1, y1]) => ({ bbox: { x0, y0, x1, y1 } })) }] }) as never;

describe('OCR filtering', () => {
  it('keeps confident words and drops junk symbols', () => {
    const text = confidentText([
      line(['Genaxis', 91], ['Theatre', 88], ['\\', 92]),
      line(['£', 81], [')', 92]),
      line(['blurry', 40], ['mess', 30]),
    ]);
    assert.deepEqual(text?.lines, ['Genaxis Theatre']);
    assert.equal(text?.confidence, 90);
  });

  it('returns null when too little survives', () => {
    assert.equal(confidentText([line(['A', 95]), line(['\\', 92])]), null);
    assert.equal(confidentText([]), null);
  });

  it('keeps weaker words inside a document of confident lines', () => {
    const page = Array.from({ length: 5 }, (_, index) => line([`line${index}`, 90], ['words', 88], ['smudged', 50]));
    assert.deepEqual(confidentText(page)?.lines[0], 'line0 words smudged');
    assert.deepEqual(confidentText(page.slice(0, 2))?.lines[0], 'line0 words');
  });

  it('tells word-like tokens from symbol runs', () => {
    assert.ok(isWordLike('62-03'));
    assert.ok(isWordLike('$4.50'));
    assert.ok(!isWordLike(')|('));
  });

  it('gates recognition on stacked text-shaped layout lines', () => {
    assert.equal(looksLikeText([block([40, 10, 300, 30], [40, 36, 280, 56])], 400), true);
    // A lone line, lines of very different heights, or a block filling the frame are textures, not text.
    assert.equal(looksLikeText([block([40, 10, 300, 30])], 400), false);
    assert.equal(looksLikeText([block([40, 10, 300, 30], [40, 36, 400, 90])], 400), false);
    assert.equal(looksLikeText([block([0, 0, 640, 480])], 480), false);
    assert.equal(looksLikeText(null, 480), false);
  });
});
