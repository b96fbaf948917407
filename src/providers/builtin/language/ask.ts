/**
 * Questions the signals can answer: counting, presence, text and colours. Anything else is refused honestly,
 * naming the providers that can answer it (those whose manifest says they answer any question).
 */
import { askingProviders } from '../../registry.js';
import type { Signals } from '../analysis/signals.js';
import { composeCaption, joinAnd } from './caption.js';
import { groupObjects } from './objects.js';
import { receiptQuestion } from './receipt.js';
import { countPhrase, labelsForWord, noun, numberWord, plainColour, withArticle } from './vocabulary.js';

export interface Reply {
  answer: string;
  answered: boolean;
}

export function answerQuestion(question: string, signals: Signals): Reply {
  const asked = question
    .toLowerCase()
    .replace(/[?!.]+\s*$/, '')
    .trim();
  return (
    countQuestion(asked, signals) ??
    receiptQuestion(asked, signals) ??
    textQuestion(asked, signals) ??
    colourQuestion(asked, signals) ??
    presenceQuestion(asked, signals) ??
    overviewQuestion(asked, signals) ??
    refuse()
  );
}

function countQuestion(asked: string, signals: Signals): Reply | null {
  const match = asked.match(/how many ([a-z][a-z ]*?)(?: are| is| do| can|$| in| on| there)/);
  if (!match) return null;
  const labels = resolve(match[1]);
  if (labels.length === 0)
    return refuse(`The offline analyzer cannot count "${match[1]}"; it knows 80 common object types.`);
  const groups = groupObjects(signals.objects).filter((group) => labels.includes(group.label));
  if (groups.length === 0)
    return { answered: true, answer: `None that I can detect: I see no ${noun(labels[0]).plural}.` };
  const total = groups.reduce((sum, group) => sum + group.count, 0);
  const parts = groups.map((group) =>
    countPhrase(group.label, group.count)
      .replace(/^(a group|a herd|a flock) of /, `${numberWord(group.count)} `)
      .replace(/^an? /, 'one '),
  );
  return { answered: true, answer: `${capitalise(numberWord(total))}: ${joinAnd(parts)} detected.` };
}

function presenceQuestion(asked: string, signals: Signals): Reply | null {
  const match =
    asked.match(/^(?:is|are) there (?:an?|any|some)? ?([a-z][a-z ]*?)(?: in .*| here| visible)?$/) ??
    asked.match(
      /^(?:does|do) (?:it|this|the (?:image|photo|picture)) (?:have|contain|show|include) (?:an?|any|some)? ?([a-z][a-z ]*?)$/,
    ) ??
    asked.match(/^(?:can you see|do you see|is this) (?:an?|any|some)? ?([a-z][a-z ]*?)$/);
  if (!match) return null;
  const labels = resolve(match[1]);
  if (labels.length === 0) return null;
  const groups = groupObjects(signals.objects).filter((group) => labels.includes(group.label));
  if (groups.length > 0) {
    return { answered: true, answer: `Yes: ${joinAnd(groups.map((group) => countPhrase(group.label, group.count)))}.` };
  }
  const weak = signals.objects.find((object) => labels.includes(object.label));
  if (weak)
    return {
      answered: true,
      answer: `Possibly: ${withArticle(noun(weak.label).singular)} was detected with low confidence (${weak.score.toFixed(2)}).`,
    };
  return { answered: true, answer: `No, I do not detect any ${noun(labels[0]).plural}.` };
}

function textQuestion(asked: string, signals: Signals): Reply | null {
  if (!/\b(say|says|written|write|read|reads|text|words?|sign|label|title)\b/.test(asked)) return null;
  const lines = signals.text?.lines ?? [];
  if (lines.length === 0) return { answered: true, answer: 'I found no readable text in the image.' };
  return { answered: true, answer: `The text reads: "${lines.join(' / ')}".` };
}

function colourQuestion(asked: string, signals: Signals): Reply | null {
  if (!/\bcolou?rs?\b/.test(asked)) return null;
  const colours = signals.colours.filter((colour) => colour.share >= 0.08).slice(0, 3);
  if (colours.length === 0) return null;
  const listed = colours.map((colour) => `${colour.name} (${Math.round(colour.share * 100)}%)`);
  const aboutObject = asked.match(/colou?r (?:is|are) (?:the |that |this )?([a-z ]+)$/);
  if (aboutObject) {
    const labels = resolve(aboutObject[1]);
    const group = groupObjects(signals.objects, undefined, signals.objectColours).find((candidate) =>
      labels.includes(candidate.label),
    );
    const colour = group?.colour ? plainColour(group.colour) : null;
    if (group && colour) return { answered: true, answer: `The ${noun(group.label).singular} looks mostly ${colour}.` };
    const reason = group
      ? `no single colour dominates the ${noun(group.label).singular}`
      : labels.length > 0
        ? `I do not detect any ${noun(labels[0]).plural}`
        : `"${aboutObject[1].trim()}" is not one of the kinds of object I know`;
    return {
      answered: true,
      answer: `I cannot tell that colour (${reason}); the image's main colours are ${joinAnd(listed)}.`,
    };
  }
  return { answered: true, answer: `The main colours are ${joinAnd(listed)}.` };
}

function overviewQuestion(asked: string, signals: Signals): Reply | null {
  if (!/^(what(?:'s| is) (?:in|this|shown)|describe|what do you see|what does (?:it|this|the image) show)/.test(asked))
    return null;
  return { answered: true, answer: composeCaption(signals).sentence };
}

function resolve(phrase: string): string[] {
  const words = phrase.trim().split(/\s+/);
  // Try the whole phrase, then its last two words, then its last word ("red cars" → cars).
  for (const candidate of [words.join(' '), words.slice(-2).join(' '), words[words.length - 1]]) {
    const labels = labelsForWord(candidate);
    if (labels.length) return labels;
  }
  return [];
}

function refuse(
  reason = 'The offline analyzer cannot answer that: it can count and find 80 common kinds of object, read text and name colours.',
): Reply {
  return {
    answered: false,
    answer: `${reason} Ask a vision-language provider instead: ${askingProviders().join(', ')}.`,
  };
}

function capitalise(word: string): string {
  return word[0].toUpperCase() + word.slice(1);
}
