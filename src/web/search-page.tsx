/**
 * The search page: a search box with filters, and results as a thumbnail grid. The server draws results for the
 * address's query (so links and the back button work without script); the browser script redraws as you type.
 * Without a query the page shows the library itself, newest first (date taken, else file time), a page at a time.
 * Results below the relevance floor are listed apart, folded under "weaker matches".
 * Below the search box, "Ask your library": a question answered from the descriptions, citing its photos (the
 * browser script posts it to /api/v1/ask with no image).
 */
import type { SearchResponse, SearchResult } from '../types.js';
import { cardText, fileNameOf, imageUrl, shortWhy, snippetParts, thumbnailUrl } from './client/format.js';
import { Layout } from './layout.js';

export interface SearchForm {
  q: string;
  after: string;
  before: string;
  tag: string;
  hasText: boolean;
  /** Paging: results skipped before this page. */
  offset?: number;
}

/** Results on one page of the web app. */
export const PAGE_SIZE = 40;

/** The search page's address with the same query and filters, at another offset. */
export function pageUrl(form: SearchForm, offset: number): string {
  const params = new URLSearchParams({ q: form.q });
  if (form.after) params.set('after', form.after);
  if (form.before) params.set('before', form.before);
  if (form.tag) params.set('tag', form.tag);
  if (form.hasText) params.set('has_text', 'true');
  if (offset > 0) params.set('offset', String(offset));
  return `/?${params}`;
}

function Pager(props: { form: SearchForm; response: SearchResponse | null }) {
  const offset = props.form.offset ?? 0;
  const count = props.response?.results.length ?? 0;
  const hasNext = count === PAGE_SIZE;
  if (!props.response || (offset === 0 && !hasNext)) return null;
  return (
    <nav class="pager" aria-label="Result pages">
      {offset > 0 ? (
        <a rel="prev" href={pageUrl(props.form, Math.max(0, offset - PAGE_SIZE))}>
          ← Previous
        </a>
      ) : null}
      {hasNext ? (
        <a rel="next" href={pageUrl(props.form, offset + PAGE_SIZE)}>
          Next →
        </a>
      ) : null}
    </nav>
  );
}

export function SearchPage(props: {
  form: SearchForm;
  response: SearchResponse | null;
  error: string | null;
  images: number;
}) {
  const { form, response } = props;
  return (
    <Layout title={form.q ? `“${form.q}”` : 'Search'} page="search">
      <h1 class="visually-hidden">Search your images</h1>
      <form id="search-form" class="search-form" method="get" action="/" role="search">
        <label for="q" class="visually-hidden">
          Search images
        </label>
        <input
          id="q"
          name="q"
          type="search"
          value={form.q}
          placeholder="Search by what they show, e.g. a cat on a sofa"
          autocomplete="off"
          autofocus
        />
        <button type="submit">Search</button>
        <fieldset class="filters">
          <legend>Filters</legend>
          <label>
            Taken after <input name="after" type="date" value={form.after} />
          </label>
          <label>
            Taken before <input name="before" type="date" value={form.before} />
          </label>
          <label>
            Tag <input name="tag" type="text" value={form.tag} placeholder="e.g. dog" size={12} />
          </label>
          <label class="checkbox">
            <input name="has_text" type="checkbox" value="true" checked={form.hasText} /> Has text
          </label>
        </fieldset>
      </form>
      <section aria-labelledby="library-ask-heading" class="library-ask">
        <h2 id="library-ask-heading">Ask your library</h2>
        <QuestionForm
          formId="library-ask-form"
          inputId="library-question"
          placeholder="e.g. When did we last go to the beach?"
        />
        <div id="library-answer" class="answer" role="status" aria-live="polite"></div>
        <ol id="library-sources" class="sources"></ol>
      </section>
      <p id="result-count" class="result-count" role="status" aria-live="polite" data-images={String(props.images)}>
        {props.error ??
          (props.images === 0
            ? 'No images indexed yet. Index a folder from the Status page or with `glimpse index`.'
            : !form.q.trim()
              ? libraryText(props.images, form.offset ?? 0, response?.results.length ?? 0)
              : response
                ? countText(response)
                : '')}
      </p>
      <ol id="results" class={form.q.trim() ? 'results' : 'results library'}>
        {response?.results
          .filter((result) => !result.weaker)
          .map((result) => (
            <ResultCard result={result} query={form.q.trim()} />
          ))}
      </ol>
      <WeakerMatches results={response?.results.filter((result) => result.weaker) ?? []} query={form.q.trim()} />
      <Pager form={form} response={response} />
    </Layout>
  );
}

/** "Your library: 49 images, newest first." (and which ones, past the first page) */
export function libraryText(images: number, offset: number, shown: number): string {
  const range = offset > 0 ? ` Showing ${offset + 1}–${offset + shown}.` : '';
  return `Your library: ${images} image${images === 1 ? '' : 's'}, newest first.${range} Type to search.`;
}

/** Results below the relevance floor, folded away: they hold less of the query than the others. */
function WeakerMatches(props: { results: SearchResult[]; query: string }) {
  return (
    <details id="weaker" class="weaker" hidden={props.results.length === 0}>
      <summary id="weaker-summary">{weakerText(props.results.length)}</summary>
      <ol id="weaker-results" class="results">
        {props.results.map((result) => (
          <ResultCard result={result} query={props.query} />
        ))}
      </ol>
    </details>
  );
}

export function weakerText(count: number): string {
  return `${count} weaker match${count === 1 ? '' : 'es'} (they hold less of what you searched for)`;
}

function countText(response: SearchResponse): string {
  const count = response.results.filter((result) => !result.weaker).length;
  // A corrected spelling is said first ("Showing results for …"); the English-only notice when nothing was found.
  const query = response.correctedQuery ?? response.query;
  const corrected = response.correctedQuery
    ? `Showing results for “${query}” (${response.translation ? 'translated from' : 'typed'}: “${response.query}”). `
    : '';
  return count === 0
    ? `${corrected}Nothing found for “${query}”.${response.notice ? ` ${response.notice}` : ''}`
    : `${corrected}${count} result${count === 1 ? '' : 's'} for “${query}”`;
}

/**
 * A result: the thumbnail, its caption or the matched text (two lines at most) and why it matched in a few words.
 * The full explanation is on the image's page (the link carries the query). Without a query, the library's card.
 */
export function ResultCard(props: { result: SearchResult; query?: string }) {
  const { result, query } = props;
  const caption = result.caption ?? fileNameOf(result.path);
  const why = query ? shortWhy(result.why) : '';
  const text = cardText(result, query ?? '');
  return (
    <li class="result">
      <a href={imageUrl(result.id, query)} class="result-link">
        <img src={thumbnailUrl(result.id)} alt={caption} loading="lazy" width={320} height={240} />
        <span class="result-caption">
          {snippetParts(text).map((part) => (part.matched ? <mark>{part.text}</mark> : part.text))}
        </span>
      </a>
      {why ? <p class="why">{why}</p> : null}
    </li>
  );
}

/** A one-line question form (the browser script sends it): on the search page for the library, on an image's page. */
export function QuestionForm(props: { formId: string; inputId: string; placeholder: string }) {
  return (
    <form id={props.formId} class="inline-form">
      <label for={props.inputId}>Question</label>
      <input id={props.inputId} name="question" type="text" required maxlength={2000} placeholder={props.placeholder} />
      <button type="submit">Ask</button>
    </form>
  );
}
