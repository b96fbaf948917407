/**
 * The full Description from the signals: caption, detailed description, alt text, tags, text and safety.
 */
import type { Description } from '../../spec.js';
import type { Signals } from '../analysis/signals.js';
import { composeCaption, joinAnd, truncate } from './caption.js';
import { exifSentence, orientation, timeOfDay } from './context.js';
import { type ObjectGroup, position, size } from './objects.js';
import { safetyReport } from './safety-note.js';
import type { Setting } from './scene.js';
import { colourWord, countPhrase, noun } from './vocabulary.js';

export const ALT_TEXT_LIMIT = 125;
/** Detections between this and the caption's threshold are mentioned as "possibly" in the detailed description. */
const MIN_POSSIBLE_SCORE = 0.2;

export function composeDescription(signals: Signals, model: string): Description {
  const { sentence, groups, setting, activity } = composeCaption(signals);
  const text = signals.text?.lines.length ? signals.text.lines.join('\n') : null;
  return {
    caption: sentence,
    detailed: detailedDescription(signals, sentence, groups, setting),
    alt: altText(sentence, signals),
    tags: tags(signals, groups, setting, activity),
    objects: signals.objects.filter((object) => object.score >= 0.3),
    text,
    safety: safetyReport(signals.safety),
    model,
  };
}

function detailedDescription(
  signals: Signals,
  caption: string,
  groups: ObjectGroup[],
  setting: Setting | null,
): string {
  const sentences = [caption];
  if (groups.length > 0) {
    const described = groups.slice(0, 6).map((group) => {
      const colour = colourWord(group.label, group.colour);
      const where = [
        group.extent && size(group.extent),
        group.extent && position(group.extent),
        colour && `mostly ${colour}`,
      ]
        .filter(Boolean)
        .join(', ');
      return `${countPhrase(group.label, group.count)}${where ? ` (${where})` : ''}`;
    });
    sentences.push(`Objects detected: ${joinAnd(described)}.`);
  } else {
    sentences.push('The offline analyzer recognised none of the 80 common object types it knows.');
  }
  // Weak detections are worth a hedged mention: they help a search find the photo, and the wording says how sure.
  const seen = new Set(groups.flatMap((group) => [...group.label.split('|'), group.detectedLabel ?? '']));
  const possible = [
    ...new Set(
      signals.objects
        .filter((object) => object.score >= MIN_POSSIBLE_SCORE && !seen.has(object.label))
        .map((object) => object.label),
    ),
  ];
  if (possible.length)
    sentences.push(
      `Possibly also ${joinAnd(possible.slice(0, 4).map((label) => countPhrase(label, 1)))} (low confidence).`,
    );
  if (setting) sentences.push(`The setting looks like ${setting.scene}.`);
  const colours = signals.colours
    .filter((colour) => colour.share >= 0.08)
    .slice(0, 3)
    .map((colour) => colour.name);
  const tone =
    signals.saturation < 0.04
      ? 'black and white or nearly colourless'
      : signals.brightness < 0.25
        ? 'dark'
        : signals.brightness > 0.75
          ? 'bright'
          : '';
  if (colours.length) sentences.push(`Main colours: ${joinAnd(colours)}${tone ? `; the image is ${tone}` : ''}.`);
  if (signals.text?.lines.length)
    sentences.push(`Text read in the image: "${truncate(signals.text.lines.join(' / '), 400)}".`);
  sentences.push(`${capitalise(orientation(signals.width, signals.height))} image.`);
  const exif = exifSentence(signals.exif);
  if (exif) sentences.push(exif);
  return sentences.join(' ');
}

function altText(caption: string, signals: Signals): string {
  const words = signals.text?.lines.join(' ');
  if (words && !caption.includes('"')) {
    const withText = `${caption.replace(/\.$/, '')}, with text "${truncate(words, 60)}".`;
    if (withText.length <= ALT_TEXT_LIMIT) return withText;
  }
  return truncate(caption, ALT_TEXT_LIMIT);
}

function tags(signals: Signals, groups: ObjectGroup[], setting: Setting | null, activity: string[]): string[] {
  const found: string[] = [...activity];
  for (const group of groups) {
    // "dog|cat" (a near tie) tags both; a hedged kind ("animal") tags the kind only.
    for (const label of group.label.split('|')) {
      const word = noun(label);
      found.push(word.singular.replace(/^pair of /, ''), ...word.synonyms, ...word.categories);
      if (group.count > 1) found.push(word.plural);
    }
    if (group.label === 'person' && group.count >= 3) found.push('crowd', 'group');
  }
  if (setting) found.push(setting.name, ...setting.tags);
  if (signals.text?.lines.length) found.push('text', ...(signals.text.lines.length >= 4 ? ['document'] : ['sign']));
  for (const colour of signals.colours.filter((colour) => colour.share >= 0.2).slice(0, 2)) found.push(colour.name);
  if (signals.saturation < 0.04) found.push('black and white');
  const when = timeOfDay(signals.exif?.takenAt);
  if (when) found.push(when);
  return [...new Set(found.map((tag) => tag.toLowerCase()))];
}

function capitalise(word: string): string {
  return word[0].toUpperCase() + word.slice(1);
}
