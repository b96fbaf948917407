/**
 * `alt`: find the images of HTML and Markdown pages whose alt text is missing, empty (and not marked decorative),
 * a file name or a placeholder; suggest alt text for each — from the library when the image is already described
 * there (by path, then by content), else described now with the alt task — and, with `write`, patch the pages in
 * place at the parser's source positions, so every other byte stays as it was.
 *
 * Images described now are not stored: an alt-task answer is not a full description (no tags, no detailed text),
 * and storing it would make `glimpse index` take those images as described. Once written, the page's alt text is
 * the cache; to make `--check` runs cheap, index the site's images first (`glimpse index site/img`).
 */
import { createHash } from 'node:crypto';
import { stat, writeFile } from 'node:fs/promises';
import { altProblem, toAltText } from '../alt/classify.js';
import { findPages, type ImageSource, type Page, resolveSource, scanPage } from '../alt/pages.js';
import { GlimpseError, toGlimpseError } from '../errors.js';
import { loadImage } from '../images/load-image.js';
import { readLocalFile } from '../images/read-input.js';
import { fetchUrlSafely } from '../images/url-fetch.js';
import type { Store } from '../storage/store.js';
import type { AltFileReport, AltFinding, AltOptions, AltReport } from '../types.js';
import type { Parts } from './parts.js';

/** As `glimpse serve`: 20 MB and 15 s per image download. */
const DEFAULT_MAX_URL_BYTES = 20 * 1024 * 1024;
const DEFAULT_URL_TIMEOUT_MS = 15_000;

interface Suggestion {
  text: string | null;
  from: 'library' | 'described' | null;
  error?: { code: string; message: string };
}

interface PageWork {
  page: Page;
  report: AltFileReport;
  source?: string;
  /** The page's text re-encodes to the same bytes (UTF-8), so it can be patched safely. */
  writable: boolean;
  patches: { finding: AltFinding; start: number; end: number; replacement: (alt: string) => string }[];
}

export async function alt(parts: Parts, paths: readonly string[], options: AltOptions = {}): Promise<AltReport> {
  if (paths.length === 0) throw new GlimpseError('USAGE', 'give at least one HTML or Markdown file or folder');
  const pages = await findPages(paths, options.root);
  const works: PageWork[] = [];
  const wanted = new Map<string, ImageSource>();
  let images = 0;
  let decorative = 0;
  for (const page of pages) {
    const work: PageWork = {
      page,
      report: { file: page.path, images: 0, findings: [], written: false },
      writable: false,
      patches: [],
    };
    works.push(work);
    let bytes: Buffer;
    try {
      bytes = await readLocalFile(page.path);
    } catch (error) {
      const failure = toGlimpseError(error, page.path);
      work.report.error = { code: failure.code, message: failure.message };
      continue;
    }
    const source = bytes.toString('utf8');
    work.source = source;
    work.writable = Buffer.from(source, 'utf8').equals(bytes);
    for (const found of scanPage(source, page.kind)) {
      images++;
      work.report.images++;
      const problem = altProblem(found.alt, found.decorative);
      if (!problem) {
        if (found.decorative) decorative++;
        continue;
      }
      const target = resolveSource(found.src, page);
      const key = target.kind === 'file' ? target.path : target.kind === 'url' ? target.url : null;
      if (key) wanted.set(key, target);
      const finding: AltFinding = {
        file: page.path,
        line: found.line,
        column: found.column,
        src: found.src,
        image: key,
        alt: found.alt,
        problem,
        suggestion: null,
        from: null,
        written: false,
      };
      if (target.kind === 'none')
        finding.error = { code: 'NOT_AN_IMAGE', message: `${found.src || '(no src)'}: ${target.reason}` };
      work.report.findings.push(finding);
      work.patches.push({ finding, ...found.patch });
    }
  }

  const suggestions = await suggestAll(parts, wanted, options);

  let written = 0;
  for (const work of works) {
    for (const patch of work.patches) {
      const finding = patch.finding;
      const suggestion = finding.image ? suggestions.get(finding.image) : undefined;
      if (suggestion?.text) {
        finding.suggestion = suggestion.text;
        finding.from = suggestion.from;
      } else if (suggestion?.error && !finding.error) {
        finding.error = suggestion.error;
      }
    }
    if (options.write && work.source !== undefined && work.patches.some((patch) => patch.finding.suggestion)) {
      if (!work.writable) {
        work.report.error = {
          code: 'USAGE',
          message: `${work.page.path}: not valid UTF-8, so it was not patched (convert it to UTF-8, or fix it by hand)`,
        };
        continue;
      }
      written += await patchPage(work);
    }
  }

  const findings = works.flatMap((work) => work.report.findings);
  return {
    files: works.map((work) => work.report),
    pages: pages.length,
    images,
    decorative,
    needFixing: findings.length,
    fromLibrary: findings.filter((finding) => finding.from === 'library').length,
    described: findings.filter((finding) => finding.from === 'described').length,
    failed: findings.filter((finding) => !finding.suggestion).length + works.filter((work) => work.report.error).length,
    written,
  };
}

/** Apply a page's patches from the last to the first (earlier offsets stay valid) and write the page once. */
async function patchPage(work: PageWork): Promise<number> {
  let text = work.source!;
  let count = 0;
  let limit = Number.POSITIVE_INFINITY;
  for (const patch of [...work.patches].sort((a, b) => b.start - a.start)) {
    if (!patch.finding.suggestion || patch.end > limit) continue;
    text = text.slice(0, patch.start) + patch.replacement(patch.finding.suggestion) + text.slice(patch.end);
    limit = patch.start;
    patch.finding.written = true;
    count++;
  }
  if (count > 0) {
    await writeFile(work.page.path, text, 'utf8');
    work.report.written = true;
  }
  return count;
}

/** A suggestion for every image, each image looked up or described once, a few at a time. */
async function suggestAll(
  parts: Parts,
  wanted: Map<string, ImageSource>,
  options: AltOptions,
): Promise<Map<string, Suggestion>> {
  const results = new Map<string, Suggestion>();
  const byContent = new Map<string, Promise<Suggestion>>();
  const queue = [...wanted];
  const concurrency = Math.max(1, Math.min(64, options.concurrency ?? parts.settings.concurrency ?? 4));
  const worker = async () => {
    for (let next = queue.shift(); next; next = queue.shift()) {
      const [key, source] = next;
      try {
        options.signal?.throwIfAborted();
        results.set(key, await suggest(parts, key, source, options, byContent));
      } catch (error) {
        const failure = toGlimpseError(error, key);
        if (failure.code === 'PROVIDER_AUTH' || failure.code === 'NO_PROVIDER' || options.signal?.aborted)
          throw failure;
        results.set(key, { text: null, from: null, error: { code: failure.code, message: failure.message } });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, Math.max(1, queue.length)) }, worker));
  return results;
}

async function suggest(
  parts: Parts,
  key: string,
  source: ImageSource,
  options: AltOptions,
  byContent: Map<string, Promise<Suggestion>>,
): Promise<Suggestion> {
  const store = parts.store;
  // By path: an indexed file that has not changed since (same size and modification time), or an indexed URL.
  const known = store.imageByPath(key);
  if (known) {
    const fresh =
      source.kind === 'url' ||
      (await stat(key).then(
        (info) => info.size === known.sizeBytes && (known.mtimeMs === null || info.mtimeMs === known.mtimeMs),
        () => false,
      ));
    const text = fresh ? libraryText(store, known.sha256) : null;
    if (text) return { text, from: 'library' };
  }
  const bytes =
    source.kind === 'url'
      ? await fetchUrlSafely(key, {
          maxBytes: options.maxUrlBytes ?? DEFAULT_MAX_URL_BYTES,
          timeoutMs: options.urlTimeoutMs ?? DEFAULT_URL_TIMEOUT_MS,
          allowPrivate: options.allowPrivateUrls ?? false,
        })
      : await readLocalFile(key);
  // By content: the same picture indexed under another name, or used twice on this site.
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const stored = libraryText(store, sha256);
  if (stored) return { text: stored, from: 'library' };
  let described = byContent.get(sha256);
  if (!described) {
    described = describe(parts, key, bytes);
    byContent.set(sha256, described);
  }
  return described;
}

/** The person's own caption first, then the stored alt text, then the caption. */
function libraryText(store: Store, sha256: string): string | null {
  const description = store.description(sha256);
  const text = store.userEdits(sha256)?.caption ?? description?.alt ?? description?.caption ?? null;
  return text?.trim() ? toAltText(text) : null;
}

async function describe(parts: Parts, name: string, bytes: Buffer): Promise<Suggestion> {
  const { describePrepared } = await import('../pipeline/describe.js');
  const describer = await parts.describer();
  const loaded = await loadImage(
    { bytes, name },
    { maxSide: describer.preferredImageSize, maxPixels: parts.settings.maxPixels },
  );
  const task = describer.capabilities.tasks.includes('alt') ? 'alt' : 'caption';
  const { description } = await describePrepared(describer, loaded, { task });
  const text = description.alt ?? description.caption;
  if (!text?.trim())
    throw new GlimpseError('PROVIDER_BAD_OUTPUT', `${name}: the provider returned no alt text`, { path: name });
  return { text: toAltText(text), from: 'described' };
}
