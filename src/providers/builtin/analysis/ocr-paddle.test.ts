/**
 * Space repair after PaddleOCR's recognition (no models: characters, gaps and space chances given here).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { letterGap, spaceBias, spaceOut } from './ocr-paddle.js';

const characters = (text: string) => Array.from(text, (character) => ({ character }));

describe('space repair', () => {
  it('puts a space back where the gap is much wider than the usual gap between letters', () => {
    // P-O-R-K gap L-E-G gap S-M-A-L-L, letters 5 px apart, the word gaps 16 and 15 px.
    const gaps = [4, 5, 7, 16, 7, 5, 15, 3, 2, 4, 7];
    assert.equal(spaceOut(characters('PORKLEGSMALL'), gaps, { usual: 5 }), 'PORK LEG SMALL');
    // The same line in a loosely set heading (letters 7 px apart): no word gap stands out.
    assert.equal(spaceOut(characters('PORKLEGSMALL'), gaps, { usual: 7 }), 'PORKLEGSMALL');
  });

  it("takes the line's own usual gap when none is given", () => {
    assert.equal(spaceOut(characters('ABCDEF'), [2, 2, 20, 2, 2]), 'ABC DEF');
  });

  it('puts a space back where the model gave one a fair chance, even across a narrow gap', () => {
    const chances = [0.01, 0.02, 0.3, 0.01];
    assert.equal(spaceOut(characters('TAXID'), [1, 1, 1, 1], { usual: 2, spaceChances: chances }), 'TAX ID');
    assert.equal(spaceOut(characters('TAXID'), [1, 1, 1, 1], { usual: 2 }), 'TAXID');
  });

  it('keeps colons and full stops on their word, and splits case changes and digits from letters sooner', () => {
    // 16 px: over the plain bar (max(0.3 × 48, 2.5 × 5) = 14.4), under the bar before a colon (× 1.5).
    assert.equal(spaceOut(characters('TOTAL:'), [2, 2, 2, 2, 16], { usual: 5 }), 'TOTAL:');
    assert.equal(spaceOut(characters('TOTAL12'), [2, 2, 2, 2, 12], { usual: 5 }), 'TOTAL 12');
    // A full stop alone in a monospaced cell: wide gaps on both sides, still one number.
    assert.equal(spaceOut(characters('15.70'), [2, 16, 18, 2], { usual: 5 }), '15.70');
    assert.equal(spaceOut(characters('zeros_like'), [2, 2, 2, 2, 16, 2, 2, 2, 2], { usual: 5 }), 'zeros_like');
    assert.equal(spaceOut(characters('ThankYou'), [2, 2, 2, 2, 6, 2, 2], { usual: 5 }), 'Thank You');
    assert.equal(spaceOut(characters('THANKYOU'), [2, 2, 2, 2, 6, 2, 2], { usual: 5 }), 'THANKYOU');
    assert.ok(spaceBias('l', ':') > 1 && spaceBias('k', 'Y') < 1 && spaceBias('2', 'X') < 1);
    assert.equal(spaceBias('A', 'B'), 1);
  });

  it("leaves the model's own spaces alone and measures the usual gap without them", () => {
    const line = { characters: characters('AB CD'), gaps: [3, 30, 30, 5] };
    assert.equal(letterGap([line]), 5);
    assert.equal(spaceOut(line.characters, line.gaps, { usual: 4 }), 'AB CD');
  });
});
