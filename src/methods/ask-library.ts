/**
 * `askLibrary`: answer a question about the whole library, grounded in its descriptions and citing its images.
 *
 * Retrieve with Glimpse's own search (hybrid when an embedder is set), then either hand the question and those
 * descriptions to a text-capable model (the describer's `answer`) or, with no such model (the built-in analyzer),
 * answer extractively: counts, lists, dates from EXIF and text read in images, built from the descriptions alone.
 * Either way the sources are checked: only images that were retrieved can be cited, so an id a model invents is
 * dropped. When nothing matches, the answer says so and no model is called.
 */
import { GlimpseError } from '../errors.js';
import type { ImageDescriber, LibraryDocument, PreparedImage, QuestionRewrite, Usage } from '../providers/spec.js';
import { citedIds, dropUnknownCitations } from '../providers/vision-language/answer-prompts.js';
import { STOP_WORDS, tokenize } from '../search/query.js';
import { baseForm } from '../search/wordnet.js';
import type { ImageRecord } from '../storage/store.js';
import type { AskLibraryOptions, AskLibraryResult, AskLibrarySource, SearchResult } from '../types.js';
import type { Parts } from './parts.js';
import { search } from './search.js';
import { imageDetails } from './show.js';

export const DEFAULT_ASK_LIMIT = 8;
export const MAX_ASK_LIMIT = 50;
export const MAX_LOOK = 3;
/** Counting needs every match, not the top few. */
const COUNT_LIMIT = 500;

/** Words that shape a question but say nothing about what is in the pictures. */
const QUESTION_WORDS = new Set(
  (
    'many much photos pictures images photographs pics pic shots shot snaps ' +
    'showing shows contain contains containing mention mentions mentioning mentioned say says said read reads ' +
    'written writing text feature features featuring include includes including ' +
    'find found got get ever last latest recent recently first earliest once us let know tell list give ' +
    'library collection our yes no exist exists one ones see saw seen go went gone'
  ).split(' '),
);

export type QuestionKind = 'count' | 'when' | 'text' | 'yes-no' | 'list';

export function questionKind(question: string): QuestionKind {
  const q = question.trim().toLowerCase();
  if (/^(how many|what is the number of|what's the number of)\b/.test(q)) return 'count';
  if (/^when\b/.test(q) || /\bwhat (date|day|year|month)\b/.test(q)) return 'when';
  if (/\b(mention|mentions|mentioning|say|says|said|written|reads?|text)\b/.test(q)) return 'text';
  if (/^(is|are|was|were|do|does|did|have|has|had|can|could)\b/.test(q)) return 'yes-no';
  return 'list';
}

/** The words of a question worth searching for: "How many photos show a cup?" → ["cup"]. */
export function contentWords(question: string): string[] {
  return [...new Set(tokenize(question).filter((word) => !STOP_WORDS.has(word) && !QUESTION_WORDS.has(word)))];
}

interface Retrieved {
  result: SearchResult;
  image: ImageRecord;
  document: LibraryDocument;
}

export async function askLibrary(
  parts: Parts,
  question: string,
  options: AskLibraryOptions = {},
): Promise<AskLibraryResult> {
  const started = performance.now();
  const trimmed = question.trim();
  if (trimmed === '')
    throw new GlimpseError('USAGE', 'The question is empty; ask something, e.g. "which photos show a dog?"');
  const limit = clampInteger(options.limit ?? DEFAULT_ASK_LIMIT, 1, MAX_ASK_LIMIT, 'limit');
  const look = clampInteger(options.look ?? 0, 0, MAX_LOOK, 'look');
  const kind = questionKind(trimmed);
  const describer = options.extractive ? null : await parts.describer();
  // A question in another language than the library's is turned into search words in its language first.
  const rewrite =
    describer?.answer && describer.rewriteQuestion && !looksEnglish(trimmed)
      ? await rewriteOnce(parts, describer, trimmed, options.signal)
      : null;
  const words = contentWords(rewrite?.query ?? trimmed);
  const finish = (partial: Omit<AskLibraryResult, 'question' | 'searched' | 'ms'>): AskLibraryResult => ({
    question: trimmed,
    ...partial,
    searched: words.join(' '),
    ms: Math.round(performance.now() - started),
  });

  // "Which photos have text?" names nothing to search for but still asks something: list those with text.
  const searchable = words.length > 0 || kind === 'text';
  const retrieved = searchable ? await retrieve(parts, words, kind, kind === 'count' ? COUNT_LIMIT : limit) : [];
  if (retrieved.length === 0) {
    return finish({
      answer: `Nothing in the library matches "${trimmed}", so there is nothing to answer from.`,
      sources: [],
      mode: 'nothing',
      provider: null,
      model: null,
      retrieved: 0,
      looked: 0,
    });
  }

  if (!describer?.answer) {
    const extract = extractiveAnswer(trimmed, kind, words, retrieved);
    return finish({
      answer: extract.answer,
      sources: extract.cited.map(sourceOf),
      mode: 'extractive',
      provider: null,
      model: null,
      retrieved: retrieved.length,
      looked: 0,
    });
  }

  // A count needs every match the model can read, not the top few: the images matching the question, up to 50.
  const read = kind === 'count' ? relevant(retrieved, words, true).slice(0, MAX_ASK_LIMIT) : retrieved.slice(0, limit);
  const images: { id: number; image: PreparedImage }[] = [];
  if (look > 0) {
    const { loadImage } = await import('../images/load-image.js');
    for (const entry of read.slice(0, look)) {
      try {
        const loaded = await loadImage(entry.image.path, {
          maxSide: describer.preferredImageSize,
          maxPixels: parts.settings.maxPixels,
        });
        images.push({ id: entry.image.id, image: loaded.prepared.image });
      } catch {
        // A file moved or deleted since indexing: its description still answers.
      }
    }
  }
  const reply = await describer.answer({
    question: trimmed,
    documents: read.map((entry) => entry.document),
    images,
    language: rewrite?.language,
    signal: options.signal,
  });
  const byId = new Map(read.map((entry) => [entry.image.id, entry]));
  const known = new Set(byId.keys());
  return finish({
    answer: dropUnknownCitations(reply.answer, known),
    // Checked: an id the model cites that was not among those it was given is dropped.
    sources: citedIds(reply.answer)
      .filter((id) => known.has(id))
      .map((id) => sourceOf(byId.get(id)!)),
    mode: 'model',
    provider: describer.provider,
    model: reply.model,
    retrieved: read.length,
    looked: images.length,
    usage: rewrite?.usage ? addUsage(rewrite.usage, reply.usage) : reply.usage,
  });
}

/** The language the library's descriptions are written in (vision-language prompts and the built-in analyzer). */
const LIBRARY_LANGUAGE = 'English';

/**
 * English questions are searched as typed. A question is taken for another language when it is written in another
 * script, or when hardly any of its words are English function words ("is", "there", "of"…) and some are words
 * WordNet does not know ("red bus station" is English; "bus rouge gare" is not).
 */
export function looksEnglish(question: string): boolean {
  if (/[^\p{Script=Latin}\p{Script=Common}\p{Script=Inherited}]/u.test(question)) return false;
  const tokens = tokenize(question);
  const english = tokens.filter((token) => STOP_WORDS.has(token) || QUESTION_WORDS.has(token)).length;
  if (tokens.length === 0 || english / tokens.length >= 0.2) return true;
  return tokens.every((token) => /^\d+$/.test(token) || baseForm(token, 'noun') || baseForm(token, 'verb'));
}

/**
 * Rewrites made for each library, by question: asking the same question again costs no model call. Shared with
 * `search`, which translates a query in another language the same way.
 */
const rewrites = new WeakMap<Parts, Map<string, Promise<QuestionRewrite>>>();

export function rewriteOnce(
  parts: Parts,
  describer: ImageDescriber,
  question: string,
  signal: AbortSignal | undefined,
): Promise<QuestionRewrite> {
  let cache = rewrites.get(parts);
  if (!cache) rewrites.set(parts, (cache = new Map()));
  let pending = cache.get(question);
  if (!pending) {
    pending = describer.rewriteQuestion!({ question, libraryLanguage: LIBRARY_LANGUAGE, signal });
    cache.set(question, pending);
    // A failed rewrite is not remembered: the next ask tries again.
    pending.catch(() => cache.delete(question));
  }
  return pending;
}

function addUsage(a: Usage, b: Usage | undefined): Usage {
  const sum = (x?: number, y?: number) => (x === undefined && y === undefined ? undefined : (x ?? 0) + (y ?? 0));
  return {
    inputTokens: sum(a.inputTokens, b?.inputTokens),
    outputTokens: sum(a.outputTokens, b?.outputTokens),
    costUsd: sum(a.costUsd, b?.costUsd),
  };
}

async function retrieve(parts: Parts, words: string[], kind: QuestionKind, limit: number): Promise<Retrieved[]> {
  // The question was already rewritten into the library's language when it needed to be.
  const response = await search(parts, words.join(' '), {
    limit,
    hasText: kind === 'text' ? true : undefined,
    translate: false,
  });
  const found: Retrieved[] = [];
  for (const result of response.results) {
    const image = parts.store.imageById(result.id);
    if (!image) continue;
    const details = imageDetails(parts.store, image);
    const description = details.description;
    found.push({
      result,
      image,
      document: {
        id: image.id,
        fileName: image.fileName,
        caption: details.caption,
        detailed: description?.detailed ?? null,
        text: description?.text ?? null,
        tags: details.tags,
        date: image.takenAt ?? null,
      },
    });
  }
  return found;
}

function sourceOf(entry: Retrieved): AskLibrarySource {
  return { id: entry.image.id, path: entry.image.path, caption: entry.document.caption, score: entry.result.score };
}

/** How many of the question's words an image matched (directly or through a related concept). */
function coverage(entry: Retrieved, words: string[]): number {
  const haystack = new Set(
    tokenize(
      [entry.document.caption, entry.document.detailed, entry.document.text, entry.document.tags.join(' ')].join(' '),
    ),
  );
  const matched = new Set([...entry.result.why.terms, ...entry.result.why.concepts].flatMap((term) => tokenize(term)));
  return words.filter((word) => matched.has(word) || haystack.has(word) || stemIn(word, haystack)).length;
}

function stemIn(word: string, haystack: Set<string>): boolean {
  const stem = word.replace(/(es|s)$/, '');
  return stem.length > 2 && (haystack.has(stem) || haystack.has(`${stem}s`) || haystack.has(`${stem}es`));
}

/**
 * The images that answer, in search order. Counts and dates must be exact: images matching every word of the
 * question (failing that, as many as the best one does). Shortlists ("is there…", "which…") keep every image
 * matching at least half the words, since a long question rarely matches every word of the right photo's
 * description. An image matching none (a vector match alone) counts only when it came first.
 */
function relevant(retrieved: Retrieved[], words: string[], strict: boolean): Retrieved[] {
  const scored = retrieved.map((entry) => ({ entry, covered: coverage(entry, words) }));
  const best = Math.max(...scored.map((item) => item.covered));
  if (best === 0) return retrieved.slice(0, 1).filter((entry) => entry.result.why.vectorRank !== null);
  const enough = strict ? best : Math.min(best, Math.max(1, Math.ceil(words.length / 2)));
  return scored.filter((item) => item.covered >= enough).map((item) => item.entry);
}

function extractiveAnswer(
  question: string,
  kind: QuestionKind,
  words: string[],
  retrieved: Retrieved[],
): { answer: string; cited: Retrieved[] } {
  const matching = relevant(retrieved, words, kind === 'count' || kind === 'when');
  const subject = words.join(' ') || 'text';
  if (matching.length === 0) {
    return { answer: `No photo in the library matches "${question}".`, cited: [] };
  }
  const partial = matching.some((entry) => coverage(entry, words) < words.length) ? ' (closest matches)' : '';
  const listed = (entries: Retrieved[]) =>
    entries.map((entry) => `${entry.image.fileName} [${entry.image.id}]`).join(', ');
  switch (kind) {
    case 'count': {
      const count = matching.length;
      return {
        answer: `${photosMatch(count)} "${subject}"${partial}: ${listed(matching)}.`,
        cited: matching,
      };
    }
    case 'when': {
      const dated = matching
        .map((entry) => ({ entry, date: entry.image.takenAt }))
        .filter((item): item is { entry: Retrieved; date: string } => Boolean(item.date))
        .sort((a, b) => a.date.localeCompare(b.date));
      if (dated.length === 0) {
        return {
          answer: `${photosMatch(matching.length)} "${subject}"${partial}, but none has a date taken (EXIF): ${listed(matching)}.`,
          cited: matching.slice(0, DEFAULT_ASK_LIMIT),
        };
      }
      const earliest = /\b(first|earliest)\b/i.test(question);
      const pick = earliest ? dated[0]! : dated.at(-1)!;
      const others =
        dated.length > 1
          ? ` (${dated.length} dated photos match, from ${day(dated[0]!.date)} to ${day(dated.at(-1)!.date)})`
          : '';
      return {
        answer: `${earliest ? 'The earliest' : 'The most recent'} photo of "${subject}"${partial} was taken on ${day(pick.date)}: ${listed([pick.entry])}${others}.`,
        cited: [pick.entry, ...dated.filter((item) => item !== pick).map((item) => item.entry)].slice(
          0,
          DEFAULT_ASK_LIMIT,
        ),
      };
    }
    case 'text': {
      const withText = matching.filter((entry) => entry.document.text);
      const chosen = (withText.length > 0 ? withText : matching).slice(0, DEFAULT_ASK_LIMIT);
      const quotes = chosen.map(
        (entry) =>
          `${entry.image.fileName} [${entry.image.id}]${entry.document.text ? `: "${excerpt(entry.document.text, words)}"` : ''}`,
      );
      return {
        answer: `${photosMatch(chosen.length, ' with text')} "${subject}"${partial}: ${quotes.join('; ')}.`,
        cited: chosen,
      };
    }
    case 'yes-no': {
      const chosen = matching.slice(0, DEFAULT_ASK_LIMIT);
      return {
        answer: `${partial ? 'Perhaps' : 'Yes'}: ${photosMatch(matching.length)} "${subject}"${partial}, e.g. ${listed(chosen)}.`,
        cited: chosen,
      };
    }
    case 'list': {
      const chosen = matching.slice(0, DEFAULT_ASK_LIMIT);
      return {
        answer: `Photos of "${subject}"${partial}: ${chosen
          .map(
            (entry) =>
              `${entry.image.fileName} [${entry.image.id}]${entry.document.caption ? ` (${entry.document.caption})` : ''}`,
          )
          .join('; ')}.`,
        cited: chosen,
      };
    }
  }
}

/** "1 photo matches", "3 photos with text match". */
function photosMatch(count: number, qualifier = ''): string {
  return count === 1 ? `1 photo${qualifier} matches` : `${count} photos${qualifier} match`;
}

function day(iso: string): string {
  return iso.slice(0, 10);
}

/** The part of an image's text around the first question word it contains. */
function excerpt(text: string, words: string[]): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  const lower = flat.toLowerCase();
  const at = Math.max(
    0,
    Math.min(...words.map((word) => lower.indexOf(word)).filter((index) => index >= 0), flat.length),
  );
  const start = at >= flat.length ? 0 : Math.max(0, at - 40);
  const piece = flat.slice(start, start + 120);
  return `${start > 0 ? '…' : ''}${piece}${start + 120 < flat.length ? '…' : ''}`;
}

function clampInteger(value: number, min: number, max: number, name: string): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new GlimpseError('USAGE', `${name} must be a whole number from ${min} to ${max} (got ${value})`);
  }
  return value;
}
