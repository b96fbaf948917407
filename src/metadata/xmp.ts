/**
 * The XMP properties a person's caption and keywords are read from, taken out of an XMP packet in JavaScript and
 * named and shaped as ExifTool's JSON gives them (`-G1 -json`), so that read.ts treats both readers' answers alike:
 * a list of one item is a plain string, a language alternative is its default-language item (`x-default`, or an
 * item without a language), and properties are matched by namespace URI whatever prefix the file uses.
 */
import { GLIMPSE_XMP_NAMESPACE } from './exiftool.js';
import { parseXml, XML_NAMESPACE, type XmlElement } from './xml.js';

const RDF = 'http://www.w3.org/1999/02/22-rdf-syntax-ns#';
const DUBLIN_CORE = 'http://purl.org/dc/elements/1.1/';

/** Properties read, by namespace URI and local name → ExifTool's group-qualified tag name. */
const PROPERTIES = new Map<string, string>([
  [`${DUBLIN_CORE}description`, 'XMP-dc:Description'],
  [`${DUBLIN_CORE}subject`, 'XMP-dc:Subject'],
  [`${DUBLIN_CORE}title`, 'XMP-dc:Title'],
  ...['Caption', 'CaptionSource', 'Tags', 'TagsSource'].map(
    (name) => [`${GLIMPSE_XMP_NAMESPACE}${name}`, `XMP-glimpse:${name}`] as [string, string],
  ),
]);

export type RawTags = Record<string, string | string[]>;

const KNOWN_NAMESPACES = [DUBLIN_CORE, GLIMPSE_XMP_NAMESPACE];
const canonical = new Map<string, string>();

/**
 * The namespace a URI stands for, with ExifTool's repairs of wrong URIs: a trailing slash missing or extra
 * ("http://purl.org/dc/elements/1.1"), or another version number ("…/elements/1.0/").
 */
function canonicalNamespace(uri: string): string {
  let known = canonical.get(uri);
  if (known === undefined) {
    const toggled = uri.endsWith('/') ? uri.slice(0, -1) : `${uri}/`;
    const versionless = (text: string) => text.replace(/\/\d+\.\d+(\/|$)/, '/#.#$1');
    known =
      KNOWN_NAMESPACES.find((namespace) => namespace === uri) ??
      KNOWN_NAMESPACES.find((namespace) => namespace === toggled) ??
      KNOWN_NAMESPACES.find((namespace) => versionless(namespace) === versionless(uri)) ??
      uri;
    if (canonical.size < 1000) canonical.set(uri, known);
  }
  return known;
}

/** A property's ExifTool tag name, if it is one of those read. */
function tagOf(uri: string, local: string): string | undefined {
  return PROPERTIES.get(canonicalNamespace(uri) + local);
}

/** Adds the packet's properties to `into` (throws XmlError on XML this reader does not handle). */
export function readXmpPacket(packet: string, into: RawTags = {}): RawTags {
  for (const root of parseXml(packet)) {
    for (const rdf of findAll(root, RDF, 'RDF')) {
      for (const description of rdf.children) {
        if (description.uri !== RDF || description.local !== 'Description') continue;
        for (const [, { uri, local, value }] of description.attributes) {
          const tag = tagOf(uri, local);
          if (tag) into[tag] = value;
        }
        for (const property of description.children) {
          const tag = tagOf(property.uri, property.local);
          const value = tag ? propertyValue(property) : undefined;
          if (tag && value !== undefined) into[tag] = value;
        }
      }
    }
  }
  return into;
}

function findAll(element: XmlElement, uri: string, local: string): XmlElement[] {
  if (element.uri === uri && element.local === local) return [element];
  return element.children.flatMap((child) => findAll(child, uri, local));
}

function isDefaultLanguage(element: XmlElement): boolean {
  const language = element.attributes.get(`${XML_NAMESPACE}lang`)?.value;
  return language === undefined || language.toLowerCase() === 'x-default';
}

/** A simple value's text, a list's items (one item: a string), an alternative's default item; else undefined. */
function propertyValue(property: XmlElement): string | string[] | undefined {
  const resource = property.attributes.get(`${RDF}resource`)?.value;
  if (property.children.length === 0) {
    if (resource !== undefined) return resource;
    return isDefaultLanguage(property) ? property.text : undefined;
  }
  const container = property.children.length === 1 ? property.children[0] : undefined;
  if (!container || container.uri !== RDF) return undefined;
  const items = container.children.filter(
    (item) => item.uri === RDF && item.local === 'li' && item.children.length === 0,
  );
  if (container.local === 'Alt') return items.find(isDefaultLanguage)?.text;
  if (container.local !== 'Bag' && container.local !== 'Seq') return undefined;
  const texts = items.map((item) => item.text);
  return texts.length === 1 ? texts[0] : texts.length === 0 ? '' : texts;
}
