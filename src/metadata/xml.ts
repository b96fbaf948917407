/**
 * A small XML reader for XMP packets: elements with their attributes and text, namespace prefixes resolved to URIs,
 * the five predefined entities and character references decoded, CDATA kept as text, comments and processing
 * instructions skipped. Anything it does not handle (a DOCTYPE, which may define entities; an unknown entity; tags
 * that do not nest) throws, so that the caller can hand the file to ExifTool instead of guessing.
 */

export interface XmlElement {
  /** Namespace URI ('' when the prefix is not declared). */
  uri: string;
  local: string;
  /** Attributes other than namespace declarations, by `uri + local`. */
  attributes: Map<string, XmlAttribute>;
  children: XmlElement[];
  /** The element's own text (CDATA included), its child elements' text left out. */
  text: string;
}

export interface XmlAttribute {
  uri: string;
  local: string;
  value: string;
}

export const XML_NAMESPACE = 'http://www.w3.org/XML/1998/namespace';

export class XmlError extends Error {}

const PREDEFINED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

function decodeEntities(text: string): string {
  if (!text.includes('&')) return text;
  return text.replace(/&([^;&\s]*);?/g, (whole, name: string) => {
    if (!whole.endsWith(';')) throw new XmlError(`bare & in text`);
    if (Object.hasOwn(PREDEFINED, name)) return PREDEFINED[name];
    const code = /^#x([0-9a-f]+)$/i.exec(name)?.[1] ?? /^#([0-9]+)$/.exec(name)?.[1];
    if (code === undefined) throw new XmlError(`unknown entity &${name};`);
    const point = name[1] === 'x' || name[1] === 'X' ? Number.parseInt(code, 16) : Number.parseInt(code, 10);
    if (!(point >= 0 && point <= 0x10ffff)) throw new XmlError(`bad character reference &${name};`);
    return String.fromCodePoint(point);
  });
}

// Sticky: each matches exactly at lastIndex.
const NAME = /[^\s/>="'<]+/y;
const ATTRIBUTE = /\s+([^\s/>="'<]+)\s*=\s*(?:"([^"<]*)"|'([^'<]*)')/y;
const TAG_END = /\s*(\/?)>/y;
const CLOSE = /<\/([^\s>]+)\s*>/y;

function matchAt(regex: RegExp, source: string, at: number): RegExpExecArray | null {
  regex.lastIndex = at;
  return regex.exec(source);
}

interface Open {
  element: XmlElement;
  qname: string;
  scope: Map<string, string>;
}

function resolve(qname: string, scope: Map<string, string>, isAttribute: boolean): { uri: string; local: string } {
  const colon = qname.indexOf(':');
  if (colon < 0) return { uri: isAttribute ? '' : (scope.get('') ?? ''), local: qname };
  const prefix = qname.slice(0, colon);
  const uri = prefix === 'xml' ? XML_NAMESPACE : scope.get(prefix);
  if (uri === undefined) throw new XmlError(`undeclared prefix ${prefix}`);
  return { uri, local: qname.slice(colon + 1) };
}

/** The document's root elements (an XMP packet usually has one: x:xmpmeta, or rdf:RDF). */
export function parseXml(source: string): XmlElement[] {
  const roots: XmlElement[] = [];
  const stack: Open[] = [];
  let at = 0;
  const addText = (text: string) => {
    if (stack.length > 0) stack[stack.length - 1].element.text += text;
  };
  while (at < source.length) {
    const lt = source.indexOf('<', at);
    if (lt < 0) {
      addText(decodeEntities(source.slice(at)));
      break;
    }
    if (lt > at) addText(decodeEntities(source.slice(at, lt)));
    if (source.startsWith('<?', lt)) {
      at = endOf(source, '?>', lt);
    } else if (source.startsWith('<!--', lt)) {
      at = endOf(source, '-->', lt);
    } else if (source.startsWith('<![CDATA[', lt)) {
      const end = endOf(source, ']]>', lt);
      addText(source.slice(lt + 9, end - 3));
      at = end;
    } else if (source.startsWith('<!', lt)) {
      throw new XmlError('DOCTYPE or other declaration');
    } else if (source[lt + 1] === '/') {
      const close = matchAt(CLOSE, source, lt);
      const open = stack.pop();
      if (!close || !open || close[1] !== open.qname) throw new XmlError(`mismatched </${close?.[1]}>`);
      at = lt + close[0].length;
    } else {
      at = openTag(source, lt, stack, roots);
    }
  }
  if (stack.length > 0) throw new XmlError(`unclosed <${stack[stack.length - 1].qname}>`);
  return roots;
}

function endOf(source: string, terminator: string, from: number): number {
  const end = source.indexOf(terminator, from);
  if (end < 0) throw new XmlError(`unterminated ${terminator}`);
  return end + terminator.length;
}

/** Reads `<name attr="…" …>` or `<… />` at `lt`; returns where the tag ends. */
function openTag(source: string, lt: number, stack: Open[], roots: XmlElement[]): number {
  let at = lt + 1;
  const qname = matchAt(NAME, source, at)?.[0];
  if (!qname) throw new XmlError('bad tag');
  at += qname.length;
  const raw: [string, string][] = [];
  for (;;) {
    const match = matchAt(ATTRIBUTE, source, at);
    if (!match) break;
    raw.push([match[1], decodeEntities(match[2] ?? match[3])]);
    at += match[0].length;
  }
  const tail = matchAt(TAG_END, source, at);
  if (!tail) throw new XmlError(`bad tag <${qname}>`);
  at += tail[0].length;
  const parentScope = stack.length > 0 ? stack[stack.length - 1].scope : new Map<string, string>();
  let scope = parentScope;
  for (const [name, value] of raw) {
    if (name === 'xmlns' || name.startsWith('xmlns:')) {
      if (scope === parentScope) scope = new Map(parentScope);
      scope.set(name === 'xmlns' ? '' : name.slice(6), value);
    }
  }
  const { uri, local } = resolve(qname, scope, false);
  const element: XmlElement = { uri, local, attributes: new Map(), children: [], text: '' };
  for (const [name, value] of raw) {
    if (name === 'xmlns' || name.startsWith('xmlns:')) continue;
    const attribute = resolve(name, scope, true);
    element.attributes.set(attribute.uri + attribute.local, { ...attribute, value });
  }
  if (stack.length > 0) stack[stack.length - 1].element.children.push(element);
  else roots.push(element);
  if (tail[1] !== '/') stack.push({ element, qname, scope });
  return at;
}
