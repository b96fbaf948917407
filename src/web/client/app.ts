/**
 * The web app's browser script (served as /assets/app.js, a module): live search as you type, copy buttons,
 * edit and ask forms, drop/paste/choose an image to describe, and indexing progress over server-sent events.
 * Each page marks itself with <body data-page>; only that page's part runs.
 */
import { cardText, fileNameOf, imageUrl, shortWhy, snippetParts, thumbnailUrl, type WhyLike } from './format.js';

interface ResultJson {
  id: number;
  path: string;
  caption: string | null;
  snippet: string;
  weaker: boolean;
  why: WhyLike;
}

interface SearchJson {
  query: string;
  correctedQuery?: string;
  notice?: string;
  translation?: { language: string | null; model: string };
  results: ResultJson[];
}

const byId = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T | null;

function element<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Record<string, string> = {},
  ...children: (Node | string)[]
) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  node.append(...children);
  return node;
}

/** Fetch JSON from the API; a failure throws an Error carrying the API's message. */
async function api<T>(url: string, init?: RequestInit): Promise<T> {
  const response = await fetch(url, { ...init, credentials: 'same-origin' });
  const body = await response.json().catch(() => null);
  if (!response.ok) throw new Error(body?.error?.message ?? `The server answered ${response.status}`);
  return body as T;
}

// ---- search -------------------------------------------------------------------------------------------------

function setUpSearch() {
  const form = byId<HTMLFormElement>('search-form');
  const results = byId('results');
  const count = byId('result-count');
  if (!form || !results || !count) return;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let inFlight: AbortController | undefined;

  const weaker = byId<HTMLDetailsElement>('weaker');
  const weakerList = byId('weaker-results');
  const weakerSummary = byId('weaker-summary');
  const library = Number(count.dataset.images ?? 0);

  const run = async () => {
    const data = new FormData(form);
    const params = new URLSearchParams();
    for (const [name, value] of data) if (typeof value === 'string' && value.trim()) params.append(name, value.trim());
    history.replaceState(null, '', params.size ? `/?${params}` : '/');
    inFlight?.abort();
    inFlight = new AbortController();
    params.set('limit', '40');
    const query = params.get('q');
    try {
      // No query: the library, newest first (as the server draws it); otherwise the search.
      if (!query) params.delete('q');
      const response = await api<SearchJson>(`/api/v1/${query ? 'search' : 'images'}?${params}`, {
        signal: inFlight.signal,
      });
      const strong = response.results.filter((result) => !result.weaker);
      const weak = response.results.filter((result) => result.weaker);
      results.className = query ? 'results' : 'results library';
      results.replaceChildren(...strong.map((result) => resultCard(result, query ?? '')));
      if (weaker && weakerList && weakerSummary) {
        weakerList.replaceChildren(...weak.map((result) => resultCard(result, query ?? '')));
        weakerSummary.textContent = `${weak.length} weaker match${weak.length === 1 ? '' : 'es'} (they hold less of what you searched for)`;
        weaker.hidden = weak.length === 0;
      }
      const n = response.results.length;
      // A new query starts at its first page: the server-drawn pager was for the page loaded, so it is redrawn.
      document.querySelector('nav.pager')?.remove();
      if (n === 40) {
        const next = new URLSearchParams(params);
        next.delete('limit');
        next.set('offset', '40');
        if (!query) next.set('q', '');
        const link = element('a', { rel: 'next', href: `/?${next}` }, 'Next →');
        (weaker ?? results).after(element('nav', { class: 'pager', 'aria-label': 'Result pages' }, link));
      }
      if (!query) {
        count.textContent = `Your library: ${library} image${library === 1 ? '' : 's'}, newest first. Type to search.`;
        return;
      }
      // As the server draws it (search-page.tsx countText): the corrected spelling first, the notice when nothing.
      const shown = response.correctedQuery ?? response.query;
      const corrected = response.correctedQuery
        ? `Showing results for “${shown}” (${response.translation ? 'translated from' : 'typed'}: “${response.query}”). `
        : '';
      count.textContent =
        strong.length === 0 && weak.length === 0
          ? `${corrected}Nothing found for “${shown}”.${response.notice ? ` ${response.notice}` : ''}`
          : `${corrected}${strong.length} result${strong.length === 1 ? '' : 's'} for “${shown}”`;
    } catch (error) {
      if ((error as Error).name !== 'AbortError') count.textContent = (error as Error).message;
    }
  };

  form.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(run, 200);
  });
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    clearTimeout(timer);
    void run();
  });
}

/** As search-page.tsx ResultCard draws it: thumbnail, caption or matched text, why in a few words. */
function resultCard(result: ResultJson, query: string): HTMLElement {
  const caption = result.caption ?? fileNameOf(result.path);
  const image = element('img', {
    src: thumbnailUrl(result.id),
    alt: caption,
    loading: 'lazy',
    width: '320',
    height: '240',
  });
  const text = cardText(result, query ?? '');
  const parts = snippetParts(text).map((part) => (part.matched ? element('mark', {}, part.text) : part.text));
  const link = element(
    'a',
    { href: imageUrl(result.id, query || undefined), class: 'result-link' },
    image,
    element('span', { class: 'result-caption' }, ...parts),
  );
  const card = element('li', { class: 'result' }, link);
  const why = query ? shortWhy(result.why) : '';
  if (why) card.append(element('p', { class: 'why' }, why));
  return card;
}

// ---- copy buttons -------------------------------------------------------------------------------------------

// ---- ask the library ----------------------------------------------------------------------------------------

interface LibraryAnswerJson {
  answer: string;
  mode: 'model' | 'extractive' | 'nothing';
  sources: { id: number; path: string; caption: string | null }[];
}

function setUpLibraryAsk() {
  const form = byId<HTMLFormElement>('library-ask-form');
  const answer = byId('library-answer');
  const sources = byId('library-sources');
  if (!form || !answer || !sources) return;
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const question = String(new FormData(form).get('question') ?? '').trim();
    if (!question) return;
    answer.textContent = 'Reading the descriptions…';
    sources.replaceChildren();
    try {
      const result = await api<LibraryAnswerJson>('/api/v1/ask', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ question }),
      });
      answer.textContent = result.answer;
      sources.replaceChildren(
        ...result.sources.map((source) => {
          const caption = source.caption ?? fileNameOf(source.path);
          return element(
            'li',
            { class: 'source' },
            element(
              'a',
              { href: `/images/${source.id}` },
              element('img', {
                src: thumbnailUrl(source.id),
                alt: caption,
                loading: 'lazy',
                width: '96',
                height: '72',
              }),
              element('span', {}, `[${source.id}] ${fileNameOf(source.path)}`),
            ),
          );
        }),
      );
    } catch (error) {
      answer.textContent = (error as Error).message;
    }
  });
}

function setUpCopyButtons() {
  document.addEventListener('click', async (event) => {
    const button = (event.target as HTMLElement).closest<HTMLButtonElement>('button[data-copy-from]');
    if (!button) return;
    const source = byId(button.dataset.copyFrom!);
    const status = button.nextElementSibling as HTMLElement | null;
    try {
      await navigator.clipboard.writeText(source?.textContent ?? '');
      if (status) status.textContent = 'Copied.';
    } catch {
      if (status) status.textContent = 'Could not copy; select the text and copy it by hand.';
    }
  });
}

// ---- image page ---------------------------------------------------------------------------------------------

function setUpImagePage() {
  const page = document.querySelector<HTMLElement>('[data-image-id]');
  if (!page) return;
  const id = Number(page.dataset.imageId);

  byId<HTMLInputElement>('show-boxes')?.addEventListener('change', (event) => {
    document.querySelector('.boxes')?.classList.toggle('hidden', !(event.target as HTMLInputElement).checked);
  });

  const askForm = byId<HTMLFormElement>('ask-form');
  const answer = byId('answer');
  askForm?.addEventListener('submit', async (event) => {
    event.preventDefault();
    const question = String(new FormData(askForm).get('question') ?? '').trim();
    if (!question || !answer) return;
    answer.textContent = 'Thinking…';
    try {
      const result = await api<{ answer: string; answered: boolean }>('/api/v1/ask', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ id, question }),
      });
      answer.textContent = result.answered ? result.answer : `No confident answer: ${result.answer}`;
    } catch (error) {
      answer.textContent = (error as Error).message;
    }
  });

  const editForm = byId<HTMLFormElement>('edit-form');
  const editStatus = byId('edit-status');
  const captionField = byId<HTMLTextAreaElement>('edit-caption');
  const tagsField = byId<HTMLInputElement>('edit-tags');
  const tagList = (text: string) =>
    text
      .split(',')
      .map((tag) => tag.trim())
      .filter(Boolean);
  editForm?.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (!captionField || !tagsField) return;
    // Send only what the user changed, so saving a new caption does not pin the generated tags (or the reverse).
    const edits: { caption?: string | null; tags?: string[] } = {};
    if (captionField.value.trim() !== captionField.defaultValue.trim())
      edits.caption = captionField.value.trim() || null;
    if (tagList(tagsField.value).join(',') !== tagList(tagsField.defaultValue).join(','))
      edits.tags = tagList(tagsField.value);
    if (Object.keys(edits).length === 0) {
      if (editStatus) editStatus.textContent = 'Nothing changed.';
      return;
    }
    if (editStatus) editStatus.textContent = 'Saving…';
    try {
      const image = await api<{ caption: string | null; tags: string[] }>(`/api/v1/images/${id}`, {
        method: 'PATCH',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(edits),
      });
      captionField.defaultValue = captionField.value = image.caption ?? '';
      tagsField.defaultValue = tagsField.value = image.tags.join(', ');
      const heading = byId('caption');
      if (heading && image.caption) heading.textContent = image.caption;
      byId('tags')?.replaceChildren(
        ...image.tags.map((tag) => element('li', {}, element('a', { href: `/?q=${encodeURIComponent(tag)}` }, tag))),
      );
      if (editStatus) editStatus.textContent = 'Saved.';
    } catch (error) {
      if (editStatus) editStatus.textContent = (error as Error).message;
    }
  });
}

// ---- describe page ------------------------------------------------------------------------------------------

function setUpDescribe() {
  const form = byId<HTMLFormElement>('describe-form');
  const input = byId<HTMLInputElement>('describe-file');
  const zone = byId('drop-zone');
  const status = byId('describe-status');
  if (!form || !input || !zone || !status) return;
  let chosen: File | null = null;

  const describe = async (file: File) => {
    chosen = file;
    const body = new FormData();
    body.append('image', file, file.name || 'pasted-image');
    body.append('task', String(new FormData(form).get('task') ?? 'json'));
    status.textContent = `Describing ${file.name || 'the pasted image'}…`;
    try {
      const result = await api<Record<string, unknown>>('/api/v1/describe', { method: 'POST', body });
      showDescription(file, result);
      status.textContent = `Described in ${result.ms} ms by ${result.provider} (${result.model}).`;
    } catch (error) {
      status.textContent = (error as Error).message;
    }
  };

  input.addEventListener('change', () => {
    if (input.files?.[0]) void describe(input.files[0]);
  });
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const file = input.files?.[0] ?? chosen;
    if (file) void describe(file);
    else status.textContent = 'Choose an image first.';
  });
  zone.addEventListener('dragover', (event) => {
    event.preventDefault();
    zone.classList.add('dragging');
  });
  zone.addEventListener('dragleave', () => zone.classList.remove('dragging'));
  zone.addEventListener('drop', (event) => {
    event.preventDefault();
    zone.classList.remove('dragging');
    const file = event.dataTransfer?.files[0];
    if (file) void describe(file);
  });
  document.addEventListener('paste', (event) => {
    const file = [...(event.clipboardData?.files ?? [])].find((item) => item.type.startsWith('image/'));
    if (file) void describe(file);
  });
}

function showDescription(file: File, result: Record<string, unknown>) {
  const section = byId('describe-result');
  const preview = byId<HTMLImageElement>('describe-preview');
  if (!section || !preview) return;
  if (preview.src.startsWith('blob:')) URL.revokeObjectURL(preview.src);
  preview.src = URL.createObjectURL(file);
  const caption = (result.caption as string | null) ?? (result.answer as string | null) ?? '';
  preview.alt = (result.alt as string | null) ?? caption;
  byId('describe-caption')!.textContent = caption || 'No caption.';
  byId('describe-alt')!.textContent = (result.alt as string | null) ?? caption;
  const details = byId('describe-details')!;
  details.replaceChildren();
  const add = (term: string, value: string | null | undefined) => {
    if (value) details.append(element('dt', {}, term), element('dd', {}, value));
  };
  add('Description', result.detailed as string | null);
  add('Tags', (result.tags as string[]).join(', '));
  add('Text found', result.text as string | null);
  add(
    'Objects',
    (result.objects as { label: string; score: number }[])
      .map((o) => `${o.label} (${Math.round(o.score * 100)}%)`)
      .join(', '),
  );
  add('Answer', result.answer as string | null);
  add('Model', `${result.provider} · ${result.model}`);
  section.hidden = false;
}

// ---- status page: indexing progress -------------------------------------------------------------------------

function setUpIndexing() {
  const form = byId<HTMLFormElement>('index-form');
  if (!form) return;
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const data = new FormData(form);
    try {
      const started = await api<{ job: { id: string } }>('/api/v1/index', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ path: String(data.get('path') ?? ''), force: data.get('force') === 'true' }),
      });
      follow(started.job.id);
    } catch (error) {
      showProgress((error as Error).message);
    }
  });
  if (form.dataset.runningJob) follow(form.dataset.runningJob);
}

function showProgress(text: string, done?: number, total?: number) {
  const box = byId('index-progress');
  const bar = byId<HTMLProgressElement>('index-bar');
  if (!box || !bar) return;
  box.hidden = false;
  byId('index-progress-text')!.textContent = text;
  if (total) {
    bar.max = total;
    bar.value = done ?? 0;
  }
}

function follow(jobId: string) {
  const failures = byId('index-failures');
  const events = new EventSource(`/api/v1/jobs/${encodeURIComponent(jobId)}/events`);
  showProgress('Starting…');
  events.addEventListener('progress', (message) => {
    const event = JSON.parse((message as MessageEvent).data);
    if (event.type === 'discovered') showProgress(`Found ${event.total} images…`, 0, event.total);
    if (event.type === 'image') {
      showProgress(
        `${event.done} of ${event.total}: ${fileNameOf(event.path)} ${event.status}`,
        event.done,
        event.total,
      );
      if (event.status === 'failed' && failures) {
        failures.append(
          element(
            'li',
            {},
            element('span', { class: 'path' }, event.path),
            ` ${event.error?.code ?? ''}: ${event.error?.message ?? ''}`,
          ),
        );
      }
    }
  });
  events.addEventListener('done', (message) => {
    const summary = JSON.parse((message as MessageEvent).data);
    showProgress(
      `Done: ${summary.indexed} indexed, ${summary.unchanged} unchanged, ${summary.failed} failed.`,
      summary.total,
      summary.total || 1,
    );
    events.close();
  });
  events.addEventListener('failed', (message) => {
    showProgress(`Indexing stopped: ${JSON.parse((message as MessageEvent).data).message}`);
    events.close();
  });
}

setUpCopyButtons();
setUpSearch();
setUpLibraryAsk();
setUpImagePage();
setUpDescribe();
setUpIndexing();
