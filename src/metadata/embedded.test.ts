/**
 * The JavaScript reader against ExifTool on real files: XMP, IPTC and EXIF written by Debian's exiftool (and by
 * Glimpse's own writer) into copies of the sample photos and into sidecars, read back by both, field by field.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { sample, temporaryDirectory } from '../testing/fixtures.js';
import type { ImageDetails } from '../types.js';
import { EMBEDDED_TAG_NAMES, readEmbeddedTags, readSidecarTags } from './embedded.js';
import { closeMetadataTool, EXIFTOOL_CONFIG, metadataTool } from './exiftool.js';
import { personFields, READ_ARGS, readPersonMetadata } from './read.js';
import { writeMetadata } from './write.js';

const EXIFTOOL = '/usr/bin/exiftool';
const folder = temporaryDirectory('glimpse-embedded-');
const config = join(folder, 'glimpse.config');
writeFileSync(config, EXIFTOOL_CONFIG);
after(() => closeMetadataTool());

const FIELDS = EMBEDDED_TAG_NAMES;

let count = 0;
/** A copy of a sample photo with `args` written by Debian's exiftool (with Glimpse's namespace defined). */
function written(name: string, args: string[], target: 'file' | 'sidecar' = 'file'): string {
  const path = join(folder, `${count++}-${name}`);
  copyFileSync(sample(name), path);
  if (target === 'sidecar') execFileSync(EXIFTOOL, ['-config', config, '-q', ...args, `${path}.xmp`]);
  else execFileSync(EXIFTOOL, ['-config', config, '-q', '-overwrite_original', ...args, path]);
  return target === 'sidecar' ? `${path}.xmp` : path;
}

function shown(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  return JSON.stringify(Array.isArray(value) ? value.map(String) : String(value));
}

/** Both readers' fields of one file; the JavaScript reader must understand it (not leave it to ExifTool). */
async function compare(path: string): Promise<Record<string, unknown>> {
  const bytes = readFileSync(path);
  const ours = path.endsWith('.xmp') ? readSidecarTags(bytes) : readEmbeddedTags(bytes);
  assert.ok(ours, `the JavaScript reader understands ${path}`);
  const tool = await metadataTool();
  const theirs = (await tool.readRaw(path, {
    readArgs: [...READ_ARGS, '-XMP-dc:Title', '-IPTC:ObjectName'],
  })) as Record<string, unknown>;
  for (const field of FIELDS) assert.equal(shown(ours[field]), shown(theirs[field]), `${field} of ${path}`);
  assert.deepEqual(personFields(ours), personFields(theirs));
  return ours;
}

/** This process's running ExifTool children (exiftool-vendored's, started by metadataTool()). */
function exiftoolChildren(): number {
  const listing = execFileSync('ps', ['-o', 'args=', '--ppid', String(process.pid)], { encoding: 'utf8' });
  return listing.split('\n').filter((line) => line.includes('exiftool') && line.includes('stay_open')).length;
}

describe('reading a person’s metadata in JavaScript, as ExifTool does', () => {
  test('XMP: text with entities and line breaks, lists, a single keyword holding a comma, titles', async () => {
    const path = written('rocket.jpg', [
      '-XMP-dc:Description=Café & "quotes" <b>bold</b>\nsecond line',
      '-XMP-dc:Subject=launch, pad',
      '-XMP-dc:Title=Rocket № 5',
    ]);
    const tags = await compare(path);
    assert.equal(tags['XMP-dc:Description'], 'Café & "quotes" <b>bold</b>\nsecond line');
    assert.deepEqual(personFields(tags).tags, ['launch', 'pad']);
    const list = await compare(
      written('rocket.jpg', ['-XMP-dc:Subject=sea', '-XMP-dc:Subject=東京', '-XMP-dc:Subject=007']),
    );
    assert.deepEqual(list['XMP-dc:Subject'], ['sea', '東京', '007']);
  });

  test('XMP language alternatives: the default language only', async () => {
    const tags = await compare(
      written('rocket.jpg', ['-XMP-dc:Description-de=Eine Rakete', '-XMP-dc:Description-fr=Une fusée']),
    );
    assert.equal(tags['XMP-dc:Description'], undefined);
    const both = await compare(
      written('rocket.jpg', ['-XMP-dc:Description-de=Eine Rakete', '-XMP-dc:Description=A rocket']),
    );
    assert.equal(both['XMP-dc:Description'], 'A rocket');
  });

  test('IPTC in Windows Latin 1 (no character set) and in UTF-8, repeated keywords; EXIF ImageDescription', async () => {
    const latin = await compare(
      written('flower.jpg', [
        '-charset',
        'iptc=Latin',
        '-IPTC:Caption-Abstract=Café – “quoted”',
        '-IPTC:Keywords=süß',
        '-IPTC:Keywords=blume',
        '-IPTC:ObjectName=Blüte',
      ]),
    );
    assert.equal(latin['IPTC:Caption-Abstract'], 'Café – “quoted”');
    assert.deepEqual(latin['IPTC:Keywords'], ['süß', 'blume']);
    const utf8 = await compare(
      written('flower.jpg', ['-IPTC:CodedCharacterSet=UTF8', '-IPTC:Caption-Abstract=東京の花', '-IPTC:Keywords=花']),
    );
    assert.equal(utf8['IPTC:Caption-Abstract'], '東京の花');
    const exif = await compare(written('rocket.jpg', ['-IFD0:ImageDescription=Ünïcode rocket on its pad']));
    assert.equal(exif['IFD0:ImageDescription'], 'Ünïcode rocket on its pad');
    assert.equal(personFields(await compare(written('rocket.jpg', ['-IFD0:ImageDescription=SONY DSC']))).caption, null);
  });

  test('what Glimpse itself wrote (its namespace), embedded and in a sidecar, and sidecars ExifTool made', async () => {
    const path = join(folder, 'glimpse-written.jpg');
    copyFileSync(sample('rocket.jpg'), path);
    const details = {
      path,
      caption: 'A red rocket.',
      tags: ['rocket', 'launch pad'],
      description: {
        caption: 'A red rocket.',
        detailed: 'A red rocket on a pad.',
        alt: 'Red rocket',
        provider: 'testvendor',
        model: 'm',
        promptVersion: 'p',
        describedAt: '2026-05-01T10:00:00.000Z',
      },
    } as unknown as ImageDetails;
    await writeMetadata(details, 'embed');
    const embedded = await compare(path);
    assert.equal(embedded['XMP-glimpse:CaptionSource'], 'generated');
    assert.equal(personFields(embedded).caption, null, "Glimpse's own caption is not a person's");
    await writeMetadata(details, 'sidecar');
    assert.deepEqual((await compare(`${path}.xmp`))['XMP-glimpse:Tags'], ['rocket', 'launch pad']);
    const sidecar = written('china.jpg', ['-XMP-dc:Description=A temple', '-XMP-dc:Subject=temple'], 'sidecar');
    assert.equal((await compare(sidecar))['XMP-dc:Description'], 'A temple');
  });

  test('the import reads JPEGs and sidecars without ExifTool, and leaves other formats to it', async () => {
    const jpeg = written('rocket.jpg', ['-XMP-dc:Description=A rocket', '-IPTC:Keywords=rocket']);
    await closeMetadataTool();
    const found = await readPersonMetadata(jpeg, { bytes: readFileSync(jpeg) });
    assert.deepEqual(found, { caption: 'A rocket', tags: ['rocket'], sources: [jpeg] });
    assert.equal(exiftoolChildren(), 0, 'no ExifTool process was started');
    const png = written('horse.png', ['-XMP-dc:Description=My horse']);
    assert.equal(readEmbeddedTags(readFileSync(png)), undefined);
    assert.equal((await readPersonMetadata(png))?.caption, 'My horse');
    assert.equal(exiftoolChildren(), 1, 'ExifTool read the PNG');
    // A JPEG with a second APP13 after its first scan is not understood here: ExifTool reads it.
    const bytes = readFileSync(jpeg);
    const late = Buffer.concat([bytes.subarray(0, -2), Buffer.from([0xff, 0xed, 0x00, 0x02]), bytes.subarray(-2)]);
    assert.equal(readEmbeddedTags(late), undefined);
  });

  test('XML this reader does not handle is left to ExifTool, not guessed', () => {
    const xmp = (body: string) =>
      Buffer.from(
        `<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">${body}</rdf:RDF></x:xmpmeta>`,
      );
    const dc = 'xmlns:d="http://purl.org/dc/elements/1.1/"';
    assert.deepEqual(readSidecarTags(xmp(`<rdf:Description ${dc} d:description="In an attribute"/>`)), {
      'XMP-dc:Description': 'In an attribute',
    });
    assert.equal(
      readSidecarTags(xmp(`<rdf:Description ${dc}><d:title>&custom;</d:title></rdf:Description>`)),
      undefined,
    );
    assert.equal(readSidecarTags(xmp(`<rdf:Description ${dc}><d:title>open</rdf:Description>`)), undefined);
    assert.equal(readSidecarTags(Buffer.from(`<!DOCTYPE x [<!ENTITY a "b">]>${xmp('')}`)), undefined);
  });

  test('a packet naming Dublin Core but none of the properties read (Photoshop: dc:format) is not parsed', () => {
    const jpeg = readFileSync(sample('rocket.jpg'));
    const withXmp = (xml: string) => {
      const packet = Buffer.from(`http://ns.adobe.com/xap/1.0/\0${xml}`, 'latin1');
      const length = Buffer.alloc(2);
      length.writeUInt16BE(packet.length + 2);
      return Buffer.concat([jpeg.subarray(0, 2), Buffer.from([0xff, 0xe1]), length, packet, jpeg.subarray(2)]);
    };
    // XML this reader would refuse (tags that do not nest): refused before, when it was parsed; now not even read.
    const property = (name: string) =>
      `<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:${name}>image/jpeg</rdf:Description></rdf:RDF></x:xmpmeta>`;
    assert.deepEqual(readEmbeddedTags(withXmp(property('format'))), {});
    // The same packet with a property that is read is parsed (and refused).
    const withNamed = withXmp(property('title'));
    assert.equal(readEmbeddedTags(withNamed), undefined);
  });
});
