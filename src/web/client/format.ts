/**
 * Formatting shared by the server-rendered pages and the browser script (served as /assets/format.js), so a search
 * result reads the same whether the server or the browser drew it.
 */
import type { SearchResult } from '../../types.js';

/** A type-only import: erased when compiled, so the browser script loads nothing more. */
export type WhyLike = SearchResult['why'];

/** "caption, tags · words: cat · related: kitten · text rank 1, meaning rank 3 (0.81)" */
export function whyText(why: WhyLike): string {
  const parts: string[] = [];
  if (why.fields.length) parts.push(`matched in ${why.fields.join(', ')}`);
  if (why.terms.length) parts.push(`words: ${why.terms.join(', ')}`);
  if (why.concepts.length) parts.push(`related: ${why.concepts.join(', ')}`);
  const ranks: string[] = [];
  if (why.fullTextRank !== null) ranks.push(`text rank ${why.fullTextRank}`);
  if (why.vectorRank !== null) {
    ranks.push(
      `meaning rank ${why.vectorRank}${why.vectorSimilarity !== null ? ` (${why.vectorSimilarity.toFixed(2)})` : ''}`,
    );
  }
  if (ranks.length) parts.push(ranks.join(', '));
  return parts.join(' · ');
}

const FIELD_NAMES: Record<string, string> = {
  tags: 'tags',
  detailed: 'description',
  text: 'text in it',
  path: 'file name',
};

/** The card's text: the caption, with the matched words marked when the caption is where they matched. */
export function cardText(result: Pick<SearchResult, 'caption' | 'path' | 'snippet' | 'why'>, query: string): string {
  const caption = result.caption ?? fileNameOf(result.path);
  return query && result.snippet && result.why.fields[0] === 'caption' ? result.snippet : caption;
}

/**
 * Why a result matched, in a few words for its card ("cat, sofa" · "≈ puppy→dog" · "similar look"); the whole
 * story (`whyText`) is on the image's page.
 */
export function shortWhy(why: WhyLike): string {
  if (why.terms.length) {
    const where =
      why.fields[0] && why.fields[0] !== 'caption' ? ` in ${FIELD_NAMES[why.fields[0]] ?? why.fields[0]}` : '';
    return `${why.terms.slice(0, 3).join(', ')}${where}`;
  }
  if (why.concepts.length) return `≈ ${why.concepts[0]}`;
  if (why.vectorRank !== null) return why.fields.includes('image') ? 'similar look' : 'similar meaning';
  return '';
}

/** The image page's address, carrying the query so the page can say why the image matched it. */
export function imageUrl(id: number, query?: string): string {
  return query ? `/images/${id}?${new URLSearchParams({ q: query })}` : `/images/${id}`;
}

/** Split a snippet into plain and matched pieces («matched» marks come from the search module). */
export function snippetParts(snippet: string): { text: string; matched: boolean }[] {
  const parts: { text: string; matched: boolean }[] = [];
  const pattern = /«([^»]*)»/g;
  let last = 0;
  for (let match = pattern.exec(snippet); match; match = pattern.exec(snippet)) {
    if (match.index > last) parts.push({ text: snippet.slice(last, match.index), matched: false });
    parts.push({ text: match[1], matched: true });
    last = match.index + match[0].length;
  }
  if (last < snippet.length) parts.push({ text: snippet.slice(last), matched: false });
  return parts;
}

export function thumbnailUrl(id: number): string {
  return `/api/v1/images/${id}/thumbnail`;
}

export function fileNameOf(path: string): string {
  return path.split(/[\\/]/).pop() ?? path;
}
