import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DetectedObject } from '../../spec.js';
import type { Signals } from '../analysis/signals.js';
import { composeCaption } from './caption.js';
import { ALT_TEXT_LIMIT, composeDescription } from './compose.js';
import { article, countPhrase } from './vocabulary.js';

function object(label: string, score: number, x: number, y: number, width: number, height: number): DetectedObject {
  return { label, score, box: { x, y, width, height } };
}

function signals(objects: DetectedObject[], extra: Partial<Signals> = {}): Signals {
  return {
    width: 640,
    height: 480,
    objects,
    objectColours: [],
    colours: [
      { name: 'grey', share: 0.5 },
      { name: 'white', share: 0.3 },
    ],
    brightness: 0.5,
    saturation: 0.2,
    text: null,
    safety: null,
    exif: null,
    ...extra,
  };
}

describe('caption grammar', () => {
  it('counts, pluralises and uses articles', () => {
    assert.equal(countPhrase('dog', 1), 'a dog');
    assert.equal(countPhrase('elephant', 1), 'an elephant');
    assert.equal(countPhrase('person', 2), 'two people');
    assert.equal(countPhrase('knife', 3), 'three knives');
    assert.equal(countPhrase('sheep', 5), 'a herd of sheep');
    assert.equal(countPhrase('person', 5), 'a group of people');
    assert.equal(countPhrase('car', 9), 'many cars');
    assert.equal(article('umbrella'), 'an');
    assert.equal(article('bus'), 'a');
  });

  it('puts people first and joins an animal with "and"', () => {
    const caption = composeCaption(
      signals([
        object('dog', 0.6, 0.5, 0.5, 0.3, 0.3),
        object('person', 0.7, 0.1, 0.1, 0.3, 0.6),
        object('person', 0.65, 0.4, 0.1, 0.2, 0.6),
      ]),
    );
    assert.equal(caption.sentence, 'Two people and a dog.');
  });

  it('uses a verb for a person and a horse only when they touch', () => {
    const riding = composeCaption(
      signals([object('person', 0.8, 0.4, 0.1, 0.2, 0.5), object('horse', 0.7, 0.3, 0.3, 0.4, 0.6)]),
    );
    assert.match(riding.sentence, /^A person riding a horse( in a field)?\.$/);
    const apart = composeCaption(
      signals([object('person', 0.8, 0.0, 0.1, 0.2, 0.5), object('horse', 0.7, 0.6, 0.3, 0.4, 0.6)]),
    );
    assert.doesNotMatch(apart.sentence, /riding/);
  });

  it('infers the setting from objects that go together', () => {
    const surf = composeCaption(
      signals([object('person', 0.8, 0.4, 0.3, 0.2, 0.4), object('surfboard', 0.6, 0.35, 0.6, 0.3, 0.1)]),
    );
    assert.equal(surf.sentence, 'A person riding a surfboard in the ocean.');
    const kitchen = composeCaption(
      signals([object('oven', 0.6, 0.1, 0.4, 0.4, 0.5), object('refrigerator', 0.5, 0.6, 0.1, 0.3, 0.8)]),
    );
    assert.match(kitchen.sentence, /^A kitchen with an oven and a refrigerator\.$/);
    const meal = composeCaption(
      signals([object('pizza', 0.7, 0.2, 0.3, 0.5, 0.4), object('dining table', 0.5, 0, 0.2, 1, 0.8)]),
    );
    assert.equal(meal.sentence, 'A pizza on a table.');
  });

  it('puts a person next to a vehicle, and colour words after articles', () => {
    const caption = composeCaption({
      ...signals([object('bus', 0.8, 0.2, 0.2, 0.6, 0.5), object('person', 0.7, 0.1, 0.3, 0.3, 0.6)]),
      objectColours: ['dark red', 'blue'],
    });
    assert.equal(caption.sentence, 'A person standing next to a bus on a city street.');
    assert.equal(countPhrase('cat', 1, 'orange'), 'an orange cat');
  });

  it('counts one player per racket, not the spectators', () => {
    const people = [0.8, 0.5, 0.45, 0.5].map((score, index) =>
      object('person', score, 0.1 + index * 0.2, 0.2, 0.1, 0.4),
    );
    const caption = composeCaption(signals([...people, object('tennis racket', 0.6, 0.15, 0.3, 0.05, 0.05)]));
    assert.equal(caption.sentence, 'A person playing tennis on a tennis court.');
  });

  it('says plainly when nothing is recognised, and ignores weak detections', () => {
    const caption = composeCaption(signals([object('cat', 0.21, 0, 0, 1, 1)]));
    assert.match(caption.sentence, /^No objects the offline analyzer recognises; mostly grey and white\.$/);
  });

  it('describes a page of text as text', () => {
    const caption = composeCaption(
      signals([], {
        text: {
          lines: ['Region-based segmentation', 'markers of the coins', 'are pixels', 'object or background'],
          confidence: 90,
        },
      }),
    );
    assert.equal(caption.sentence, 'A document with several lines of printed text.');
  });
});

describe('full description', () => {
  it('fills detailed, alt, tags and safety', () => {
    const description = composeDescription(
      signals([object('cat', 0.8, 0.2, 0.2, 0.5, 0.6), object('couch', 0.5, 0, 0.4, 1, 0.6)], {
        text: { lines: ['HOME SWEET HOME'], confidence: 88 },
        safety: { Drawing: 0.01, Hentai: 0, Neutral: 0.97, Porn: 0.01, Sexy: 0.01 },
        exif: { takenAt: '2024-06-01T19:42:00', camera: 'Canon EOS 80D', latitude: 1, longitude: 2 },
      }),
      'builtin-1',
    );
    assert.equal(description.caption, 'A cat lying on a couch.');
    assert.ok(
      description.tags.includes('cat') && description.tags.includes('animal') && description.tags.includes('pet'),
    );
    assert.ok(description.tags.includes('sofa'));
    assert.match(description.detailed ?? '', /a cat \(medium-sized, centre\)/);
    assert.match(description.detailed ?? '', /HOME SWEET HOME/);
    assert.match(
      description.detailed ?? '',
      /evening on 2024-06-01, with a Canon EOS 80D, with a GPS location recorded/,
    );
    assert.ok((description.alt ?? '').length <= ALT_TEXT_LIMIT);
    assert.match(description.alt ?? '', /HOME SWEET HOME/);
    assert.equal(description.text, 'HOME SWEET HOME');
    assert.equal(description.safety?.flagged, false);
    assert.equal(description.safety?.description, 'No unsafe content detected.');
  });

  it('flags explicit scores and keeps alt text within 125 characters', () => {
    const many = Array.from({ length: 30 }, (_, index) => `word${index}`).join(' ');
    const description = composeDescription(
      signals([], {
        text: { lines: [many], confidence: 90 },
        safety: { Drawing: 0, Hentai: 0.02, Neutral: 0.01, Porn: 0.96, Sexy: 0.01 },
      }),
      'builtin-1',
    );
    assert.equal(description.safety?.flagged, true);
    assert.ok((description.alt ?? '').length <= ALT_TEXT_LIMIT);
  });
});
