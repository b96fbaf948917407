/**
 * The images of an HTML file (or of HTML inside Markdown) with the source positions `--write` needs: parse5 with
 * source locations, so a patch replaces exactly the bytes of one `alt` attribute, or inserts one after `<img`.
 */

import type { DefaultTreeAdapterMap } from 'parse5';
import { parse, parseFragment } from 'parse5';

type Node = DefaultTreeAdapterMap['node'];
type Element = DefaultTreeAdapterMap['element'];

/** One image found in a page, and where its alt text is (or would go). */
export interface FoundImage {
  line: number;
  column: number;
  /** The image's address as written (src, else the first srcset candidate); '' when it has none. */
  src: string;
  /** The alt text as a browser reads it (entities decoded); null when the attribute is absent. */
  alt: string | null;
  decorative: boolean;
  /** Replace [start, end) of the source with `replacement(newAlt)` to set the alt text. */
  patch: { start: number; end: number; replacement: (alt: string) => string };
}

export function scanHtml(source: string, options: { fragment?: boolean; offset?: number; line?: number } = {}) {
  const document = options.fragment
    ? parseFragment(source, { sourceCodeLocationInfo: true, scriptingEnabled: false })
    : parse(source, { sourceCodeLocationInfo: true, scriptingEnabled: false });
  const found: FoundImage[] = [];
  const offset = options.offset ?? 0;
  const lineOffset = (options.line ?? 1) - 1;
  const visit = (node: Node) => {
    if ('tagName' in node && node.tagName === 'img' && node.namespaceURI === 'http://www.w3.org/1999/xhtml') {
      const image = imageOf(node, source, offset, lineOffset);
      if (image) found.push(image);
    }
    if ('content' in node && node.content) visit(node.content as Node); // <template>
    if ('childNodes' in node) for (const child of node.childNodes) visit(child);
  };
  visit(document as Node);
  return found;
}

function imageOf(element: Element, source: string, offset: number, lineOffset: number): FoundImage | null {
  const location = element.sourceCodeLocation;
  if (!location?.startTag) return null; // made up by the parser, not in the source
  const attribute = (name: string) => element.attrs.find((attr) => attr.name === name && !attr.prefix)?.value;
  const alt = attribute('alt') ?? null;
  const role = (attribute('role') ?? '').trim().toLowerCase().split(/\s+/)[0];
  const decorative =
    alt !== null &&
    alt.trim() === '' &&
    (role === 'presentation' || role === 'none' || isTrue(attribute('aria-hidden')));
  const src = (attribute('src') ?? '').trim() || firstSrcset(attribute('srcset') ?? '');
  const altLocation = location.attrs?.alt;
  const start = location.startTag.startOffset;
  // Insert right after "<img" when there is no alt: the other attributes and their order stay as they were.
  const patch = altLocation
    ? { start: offset + altLocation.startOffset, end: offset + altLocation.endOffset, replacement: altAttribute }
    : { start: offset + start + 4, end: offset + start + 4, replacement: (text: string) => ` ${altAttribute(text)}` };
  if (!altLocation && !/^<img/i.test(source.slice(start, start + 4))) return null;
  return {
    line: location.startLine + lineOffset,
    column: location.startCol,
    src,
    alt,
    decorative,
    patch,
  };
}

function isTrue(value: string | undefined): boolean {
  return value?.trim().toLowerCase() === 'true';
}

function firstSrcset(srcset: string): string {
  return srcset.trim().split(/\s+/)[0]?.replace(/,$/, '') ?? '';
}

/** `alt="…"` with the characters that would end or confuse the attribute escaped. */
export function altAttribute(text: string): string {
  return `alt="${text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;')}"`;
}
