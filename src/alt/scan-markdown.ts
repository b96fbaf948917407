/**
 * The images of a Markdown file: `![alt](src)`, reference images (`![alt][ref]`, `![alt][]`, `![ref]`) resolved
 * through their definitions, and `<img>` tags in HTML blocks; with the source offsets `--write` patches.
 */
import { fromMarkdown } from 'mdast-util-from-markdown';
import type { FoundImage } from './scan-html.js';
import { scanHtml } from './scan-html.js';

interface MdNode {
  type: string;
  url?: string;
  alt?: string | null;
  identifier?: string;
  label?: string;
  referenceType?: 'full' | 'collapsed' | 'shortcut';
  value?: string;
  position?: { start: { line: number; column: number; offset?: number }; end: { offset?: number } };
  children?: MdNode[];
}

export function scanMarkdown(source: string): FoundImage[] {
  const tree = fromMarkdown(source) as unknown as MdNode;
  const definitions = new Map<string, string>();
  const nodes: MdNode[] = [];
  const visit = (node: MdNode) => {
    if (node.type === 'definition' && node.identifier && !definitions.has(node.identifier))
      definitions.set(node.identifier, node.url ?? '');
    if (node.type === 'image' || node.type === 'imageReference' || node.type === 'html') nodes.push(node);
    for (const child of node.children ?? []) visit(child);
  };
  visit(tree);

  const found: FoundImage[] = [];
  for (const node of nodes) {
    const start = node.position?.start.offset;
    const end = node.position?.end.offset;
    if (start === undefined || end === undefined) continue;
    if (node.type === 'html') {
      // Positions map back only when the node's value is its source text (not inside a blockquote's "> ").
      if (source.slice(start, end) !== node.value || !/<img\b/i.test(node.value)) continue;
      found.push(...scanHtml(node.value, { fragment: true, offset: start, line: node.position!.start.line }));
      continue;
    }
    const labelEnd = closingBracket(source, start + 2, end);
    if (labelEnd < 0) continue;
    const src = node.type === 'image' ? (node.url ?? '') : (definitions.get(node.identifier ?? '') ?? '');
    // A collapsed or shortcut reference uses its alt text as the label: keep the label when the text changes.
    const keepLabel = node.type === 'imageReference' && node.referenceType !== 'full';
    const label = source.slice(start + 2, labelEnd);
    found.push({
      line: node.position!.start.line,
      column: node.position!.start.column,
      src,
      alt: node.alt ?? '',
      decorative: false,
      patch: {
        start: start + 2,
        end: keepLabel ? (node.referenceType === 'collapsed' ? labelEnd + 3 : labelEnd + 1) : labelEnd,
        replacement: (alt) => (keepLabel ? `${escapeMarkdown(alt)}][${label}]` : escapeMarkdown(alt)),
      },
    });
  }
  return found.sort((a, b) => a.patch.start - b.patch.start);
}

/** The offset of the `]` that closes the label opened before `from`, skipping escapes and nested brackets. */
function closingBracket(source: string, from: number, limit: number): number {
  let depth = 0;
  for (let position = from; position < limit; position++) {
    const character = source[position];
    if (character === '\\') position++;
    else if (character === '[') depth++;
    else if (character === ']') {
      if (depth === 0) return position;
      depth--;
    }
  }
  return -1;
}

/** Backslash-escape what Markdown would read as syntax inside an image's label. */
export function escapeMarkdown(text: string): string {
  return text.replace(/[\\[\]*_`<>&!]/g, (character) => `\\${character}`);
}
