/**
 * The pages `glimpse alt` reads — HTML and Markdown files, folders walked — and where each image's address points:
 * relative to its page, site-root paths (`/img/a.png`) against the site's root, http(s) URLs as they are.
 */
import { readdir, stat } from 'node:fs/promises';
import { dirname, extname, join, resolve } from 'node:path';
import { GlimpseError } from '../errors.js';
import { type FoundImage, scanHtml } from './scan-html.js';
import { scanMarkdown } from './scan-markdown.js';

export const PAGE_EXTENSIONS: Record<string, 'html' | 'markdown'> = {
  '.html': 'html',
  '.htm': 'html',
  '.xhtml': 'html',
  '.md': 'markdown',
  '.markdown': 'markdown',
  '.mdx': 'markdown',
};

const SKIPPED_FOLDERS = new Set(['node_modules', '.git', '.hg', '.svn']);

export interface Page {
  path: string;
  kind: 'html' | 'markdown';
  /** The folder site-root paths resolve against. */
  root: string;
}

/** The pages under `paths`, sorted within each folder; a file given by name is read whatever its extension. */
export async function findPages(paths: readonly string[], rootOverride?: string): Promise<Page[]> {
  const pages: Page[] = [];
  for (const given of paths) {
    const path = resolve(given);
    const info = await stat(path).catch((error) => {
      throw new GlimpseError('FILE_NOT_FOUND', `${given}: no such file or folder`, { path: given, cause: error });
    });
    if (info.isDirectory()) {
      const root = rootOverride ? resolve(rootOverride) : path;
      for (const file of await walk(path))
        pages.push({ path: file, kind: PAGE_EXTENSIONS[extname(file).toLowerCase()], root });
    } else {
      const kind = PAGE_EXTENSIONS[extname(path).toLowerCase()] ?? 'html';
      pages.push({ path, kind, root: rootOverride ? resolve(rootOverride) : dirname(path) });
    }
  }
  // A page given twice (a folder and a file in it) is read and patched once.
  const seen = new Set<string>();
  return pages.filter((page) => !seen.has(page.path) && seen.add(page.path));
}

async function walk(folder: string, seen = new Set<string>()): Promise<string[]> {
  const files: string[] = [];
  const entries = await readdir(folder, { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) {
      if (SKIPPED_FOLDERS.has(entry.name) || seen.has(path)) continue;
      seen.add(path);
      files.push(...(await walk(path, seen)));
    } else if (entry.isFile() && PAGE_EXTENSIONS[extname(entry.name).toLowerCase()]) {
      files.push(path);
    }
  }
  return files;
}

export function scanPage(source: string, kind: Page['kind']): FoundImage[] {
  return kind === 'markdown' ? scanMarkdown(source) : scanHtml(source);
}

export type ImageSource =
  | { kind: 'file'; path: string }
  | { kind: 'url'; url: string }
  | { kind: 'none'; reason: string };

/** Where an image address written in `page` points. */
export function resolveSource(src: string, page: Page): ImageSource {
  const address = src.trim();
  if (!address) return { kind: 'none', reason: 'the image has no src' };
  if (/^https?:\/\//i.test(address)) return { kind: 'url', url: address };
  if (address.startsWith('//')) return { kind: 'url', url: `https:${address}` };
  if (/^data:/i.test(address)) return { kind: 'none', reason: 'a data: URI (describe the image it came from)' };
  if (/^[a-z][a-z0-9+.-]*:/i.test(address))
    return { kind: 'none', reason: `an address Glimpse cannot read (${address.split(':')[0]}:)` };
  let pathPart = address.replace(/[?#].*$/, '');
  try {
    pathPart = decodeURIComponent(pathPart);
  } catch {
    // Not percent-encoded after all: use it as written.
  }
  const path = pathPart.startsWith('/') ? join(page.root, pathPart) : resolve(dirname(page.path), pathPart);
  return { kind: 'file', path };
}
