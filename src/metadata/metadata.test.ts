/**
 * XMP written by Glimpse (through exiftool-vendored) and read back by Debian's exiftool, an independent reader; and
 * a person's own caption and keywords in a file or its sidecar imported at index time.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { crc32, deflateSync } from 'node:zlib';
import { createGlimpse } from '../glimpse.js';
import { sample, temporaryDirectory } from '../testing/fixtures.js';
import type { ImageDetails } from '../types.js';
import { closeMetadataTool, EXIFTOOL_CONFIG, GLIMPSE_XMP_NAMESPACE } from './exiftool.js';
import { mayHoldPersonMetadata, readPersonMetadata } from './read.js';
import { sidecarPath, writeMetadata } from './write.js';

const EXIFTOOL = '/usr/bin/exiftool';
const folder = temporaryDirectory('glimpse-metadata-');
const config = join(folder, 'glimpse.config');
writeFileSync(config, EXIFTOOL_CONFIG);

after(() => closeMetadataTool());

/** Debian's exiftool: tags of a file as JSON, group-qualified (with Glimpse's namespace defined). */
function readWithDebian(path: string): Record<string, unknown> {
  const json = execFileSync(EXIFTOOL, ['-config', config, '-j', '-G1', '-a', '-struct', path], { encoding: 'utf8' });
  return JSON.parse(json)[0];
}

/** The file with every metadata segment removed, as Debian's exiftool writes it: what remains is the image data. */
function strippedHash(path: string): string {
  return createHash('sha256')
    .update(execFileSync(EXIFTOOL, ['-all=', '-o', '-', path]))
    .digest('hex');
}

function copySample(name: string, as = name): string {
  const path = join(folder, as);
  copyFileSync(sample(name), path);
  return path;
}

function details(path: string, overrides: Partial<ImageDetails> = {}): ImageDetails {
  return {
    id: 1,
    path,
    folder,
    fileName: path.split('/').pop()!,
    sha256: 'x',
    sizeBytes: 1,
    mtimeMs: null,
    width: 1,
    height: 1,
    format: 'jpeg',
    takenAt: null,
    camera: null,
    latitude: null,
    longitude: null,
    addedAt: '2026-01-01T00:00:00.000Z',
    seenAt: '2026-01-01T00:00:00.000Z',
    description: {
      caption: 'A red rocket on a launch pad.',
      detailed: 'A tall red and white rocket stands on a launch pad under a clear sky.',
      alt: 'Red rocket on its launch pad',
      tags: ['rocket', 'launch pad'],
      objects: [],
      text: null,
      safety: null,
      model: 'test-model-2',
      provider: 'testvendor',
      requestedModel: 'test-model-2',
      promptVersion: 'json-3',
      describedAt: '2026-05-01T10:00:00.000Z',
      ms: 12,
      inputTokens: null,
      outputTokens: null,
      costUsd: null,
    },
    userEdits: null,
    caption: 'A red rocket on a launch pad.',
    tags: ['rocket', 'launch pad'],
    duplicates: [],
    ...overrides,
  };
}

describe('writing XMP', () => {
  test('a sidecar photo.jpg.xmp carries caption, tags, the IPTC accessibility fields and provenance', async () => {
    const image = copySample('rocket.jpg');
    const before = createHash('sha256').update(readFileSync(image)).digest('hex');
    const written = await writeMetadata(details(image), 'sidecar');
    assert.equal(written.path, `${image}.xmp`);
    const tags = readWithDebian(written.path);
    assert.equal(tags['XMP-dc:Description'], 'A red rocket on a launch pad.');
    assert.deepEqual(tags['XMP-dc:Subject'], ['rocket', 'launch pad']);
    assert.equal(tags['XMP-iptcCore:AltTextAccessibility'], 'Red rocket on its launch pad');
    assert.equal(
      tags['XMP-iptcCore:ExtDescrAccessibility'],
      'A tall red and white rocket stands on a launch pad under a clear sky.',
    );
    assert.equal(tags['XMP-glimpse:Provider'], 'testvendor');
    assert.equal(tags['XMP-glimpse:Model'], 'test-model-2');
    assert.equal(tags['XMP-glimpse:DescribedAt'], '2026-05-01T10:00:00.000Z');
    // The namespace is declared in the XMP itself, so a reader without our config still finds the properties.
    const rdf = readFileSync(written.path, 'utf8');
    assert.ok(rdf.includes(`xmlns:glimpse='${GLIMPSE_XMP_NAMESPACE}'`), rdf);
    assert.match(rdf, /<glimpse:Provider>testvendor<\/glimpse:Provider>/);
    const plain = JSON.parse(execFileSync(EXIFTOOL, ['-j', '-G1', written.path], { encoding: 'utf8' }))[0];
    assert.equal(plain['XMP-glimpse:Provider'], 'testvendor', 'read without the config too');
    // The image itself is untouched.
    assert.equal(createHash('sha256').update(readFileSync(image)).digest('hex'), before);
  });

  test('photo.xmp naming, and an existing sidecar keeps the properties other tools wrote', async () => {
    const image = copySample('flower.jpg');
    const sidecar = sidecarPath(image, 'base');
    assert.equal(sidecar, join(folder, 'flower.xmp'));
    execFileSync(EXIFTOOL, ['-q', '-XMP-xmp:Rating=4', '-XMP-xmp:Label=Red', sidecar]);
    await writeMetadata(details(image), 'sidecar', { sidecarName: 'base' });
    const tags = readWithDebian(sidecar);
    assert.equal(tags['XMP-xmp:Rating'], 4);
    assert.equal(tags['XMP-xmp:Label'], 'Red');
    assert.equal(tags['XMP-dc:Description'], 'A red rocket on a launch pad.');
    assert.ok(!existsSync(`${sidecar}_original`));
  });

  for (const name of ['rocket.jpg', 'coffee.png']) {
    test(`embed into ${name}: same image data, other metadata kept, no _original left behind`, async () => {
      const image = copySample(name, `embed-${name}`);
      // Metadata a person or a camera put there before.
      execFileSync(EXIFTOOL, ['-q', '-overwrite_original', '-EXIF:Artist=Ada Lovelace', '-XMP-xmp:Rating=5', image]);
      const pixelsBefore = strippedHash(image);
      await writeMetadata(details(image), 'embed');
      const tags = readWithDebian(image);
      assert.equal(tags['XMP-dc:Description'], 'A red rocket on a launch pad.');
      assert.equal(tags['XMP-iptcCore:AltTextAccessibility'], 'Red rocket on its launch pad');
      assert.equal(tags['XMP-glimpse:Provider'], 'testvendor');
      assert.equal(tags['IFD0:Artist'], 'Ada Lovelace');
      assert.equal(tags['XMP-xmp:Rating'], 5);
      assert.equal(strippedHash(image), pixelsBefore, 'the image data is byte-identical');
      assert.deepEqual(
        readdirSync(folder).filter((file) => file.endsWith('_original')),
        [],
      );
    });
  }

  test('a file that is gone, and a URL, are clear errors', async () => {
    await assert.rejects(writeMetadata(details(join(folder, 'missing.jpg')), 'embed'), {
      code: 'FILE_NOT_FOUND',
      message: /missing\.jpg/,
    });
    await assert.rejects(writeMetadata(details('https://example.com/a.jpg'), 'sidecar'), { code: 'USAGE' });
  });
});

/** A copy of a PNG with XMP (a dc:description) in an iTXt chunk whose compression flag is set, before IEND. */
function withCompressedXmp(from: string, to: string): string {
  const xmp = `<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:description><rdf:Alt><rdf:li xml:lang="x-default">An astronaut</rdf:li></rdf:Alt></dc:description></rdf:Description></rdf:RDF></x:xmpmeta>`;
  const body = Buffer.concat([
    Buffer.from('iTXtXML:com.adobe.xmp\0\x01\0\0\0', 'latin1'),
    deflateSync(Buffer.from(xmp)),
  ]);
  const chunk = Buffer.alloc(body.length + 8);
  chunk.writeUInt32BE(body.length - 4, 0);
  body.copy(chunk, 4);
  chunk.writeUInt32BE(crc32(body), body.length + 4);
  const png = readFileSync(from);
  const end = png.length - 12; // IEND
  writeFileSync(to, Buffer.concat([png.subarray(0, end), chunk, png.subarray(end)]));
  return to;
}

describe('reading what a person wrote', () => {
  test('IPTC Caption-Abstract and Keywords in the file; XMP in a photo.xmp sidecar', async () => {
    const inFile = copySample('horse.png', 'person-horse.png');
    execFileSync(EXIFTOOL, ['-q', '-overwrite_original', '-EXIF:ImageDescription=My horse Bella', inFile]);
    const jpeg = copySample('rocket.jpg', 'person-rocket.jpg');
    execFileSync(EXIFTOOL, [
      '-q',
      '-overwrite_original',
      '-IPTC:Caption-Abstract=Launch day at the cape',
      '-IPTC:Keywords=launch',
      '-IPTC:Keywords=cape',
      jpeg,
    ]);
    assert.deepEqual(await readPersonMetadata(jpeg), {
      caption: 'Launch day at the cape',
      tags: ['launch', 'cape'],
      sources: [jpeg],
    });
    assert.equal((await readPersonMetadata(inFile))?.caption, 'My horse Bella');

    const withSidecar = copySample('chelsea.png', 'person-cat.png');
    const sidecar = join(folder, 'person-cat.xmp');
    execFileSync(EXIFTOOL, ['-q', '-XMP-dc:Description=Chelsea asleep', '-XMP-dc:Subject=cat', sidecar]);
    assert.deepEqual(await readPersonMetadata(withSidecar), {
      caption: 'Chelsea asleep',
      tags: ['cat'],
      sources: [sidecar],
    });
  });

  test('what Glimpse generated and wrote is not taken for a person’s; camera placeholders are ignored', async () => {
    const image = copySample('rocket.jpg', 'generated-rocket.jpg');
    await writeMetadata(details(image), 'embed');
    assert.equal(await readPersonMetadata(image), null);
    const camera = copySample('rocket.jpg', 'camera-rocket.jpg');
    execFileSync(EXIFTOOL, ['-q', '-overwrite_original', '-EXIF:ImageDescription=OLYMPUS DIGITAL CAMERA', camera]);
    assert.equal(await readPersonMetadata(camera), null);
  });

  test('indexing imports them as the person’s own caption and tags: searchable, shown first, never overwritten', async () => {
    const library = join(folder, 'library');
    execFileSync('mkdir', ['-p', library]);
    const photo = join(library, 'IMG_0042.jpg');
    copyFileSync(sample('rocket.jpg'), photo);
    execFileSync(EXIFTOOL, [
      '-q',
      '-overwrite_original',
      '-XMP-dc:Description=Grandpa’s model zeppelin',
      '-XMP-dc:Subject=zeppelin',
      photo,
    ]);
    const glimpse = await createGlimpse({ db: join(folder, 'library.db') });
    try {
      await glimpse.index([library]);
      const shown = glimpse.show(photo);
      assert.equal(shown.caption, 'Grandpa’s model zeppelin');
      assert.deepEqual(shown.tags, ['zeppelin']);
      assert.equal(shown.userEdits?.caption, 'Grandpa’s model zeppelin');
      assert.equal(shown.userEdits?.source, 'embedded metadata', 'where the person wrote it is kept');
      assert.notEqual(shown.description?.caption, shown.caption, 'the generated caption is kept beside it');
      const found = await glimpse.search('zeppelin');
      assert.equal(found.results[0]?.path, photo);

      // The person edits it in Glimpse; indexing again (forced) does not put the file's old caption back.
      glimpse.edit(photo, { caption: 'Grandpa’s zeppelin, 1961' });
      await glimpse.index([library], { force: true });
      assert.equal(glimpse.show(photo).caption, 'Grandpa’s zeppelin, 1961');
      assert.equal(glimpse.show(photo).userEdits?.source, null, 'now typed in Glimpse');

      // Embedding Glimpse's description changes the file; the library follows, and the next index describes nothing.
      const summary = await glimpse.writeMetadata([library], { target: 'embed' });
      assert.deepEqual(summary.failures, []);
      assert.equal(readWithDebian(photo)['XMP-dc:Description'], 'Grandpa’s zeppelin, 1961');
      assert.equal(readWithDebian(photo)['XMP-glimpse:CaptionSource'], 'person');
      const again = await glimpse.index([library]);
      assert.equal(again.indexed, 0);
      assert.equal(again.unchanged, 1);
      assert.equal(glimpse.show(photo).caption, 'Grandpa’s zeppelin, 1961');
    } finally {
      await glimpse.close();
    }
  });

  test('ExifTool is asked only about files whose bytes may hold them; every way of writing them is recognised', async () => {
    const sharp = (await import('sharp')).default;
    const webp = join(folder, 'marked.webp');
    await sharp(sample('rocket.jpg')).webp().toFile(webp);
    const tiff = join(folder, 'marked.tif');
    await sharp(sample('rocket.jpg')).tiff().toFile(tiff);
    const written: [string, string, string[]][] = [
      ['rocket.jpg', 'xmp.jpg', ['-XMP-dc:Description=A rocket']],
      ['rocket.jpg', 'xmp-subject.jpg', ['-XMP-dc:Subject=rocket']],
      ['rocket.jpg', 'iptc-caption.jpg', ['-IPTC:Caption-Abstract=A rocket']],
      ['rocket.jpg', 'iptc-keywords.jpg', ['-IPTC:Keywords=rocket']],
      ['rocket.jpg', 'exif-ii.jpg', ['-EXIF:ImageDescription=A rocket', '-ExifByteOrder=II']],
      ['rocket.jpg', 'exif-mm.jpg', ['-EXIF:ImageDescription=A rocket', '-ExifByteOrder=MM']],
      ['horse.png', 'exif.png', ['-EXIF:ImageDescription=A horse']],
      ['horse.png', 'xmp.png', ['-XMP-dc:Description=A horse']],
    ];
    const files = written.map(([from, as, args]) => {
      const path = copySample(from, `marked-${as}`);
      execFileSync(EXIFTOOL, ['-q', '-overwrite_original', ...args, path]);
      return path;
    });
    // ExifTool reads XMP from a compressed iTXt chunk too (it writes them uncompressed): one made by hand.
    files.push(withCompressedXmp(sample('astronaut.png'), join(folder, 'marked-xmp-compressed.png')));
    for (const [path, args] of [
      [webp, ['-XMP-dc:Description=A rocket']],
      [tiff, ['-IFD0:ImageDescription=A rocket']],
    ] as const) {
      execFileSync(EXIFTOOL, ['-q', '-overwrite_original', ...args, path]);
      files.push(path);
    }
    for (const path of files) {
      assert.ok(await readPersonMetadata(path), `ExifTool finds them in ${path}`);
      assert.ok(mayHoldPersonMetadata(readFileSync(path)), `recognised in ${path}`);
    }
    for (const name of ['rocket.jpg', 'china.jpg', 'horse.png', 'chelsea.png', 'coffee.png']) {
      const bytes = readFileSync(sample(name));
      assert.equal(await readPersonMetadata(sample(name)), null);
      assert.equal(mayHoldPersonMetadata(bytes), false, `${name} has none: ExifTool need not be asked`);
      assert.equal(await readPersonMetadata(sample(name), { bytes }), null);
    }
    // In a plain JPEG only the segments before the first scan count: the same bytes in compressed data are chance.
    const jpeg = readFileSync(sample('rocket.jpg'));
    const scan = jpeg.indexOf(Buffer.from([0xff, 0xda]));
    const caption = Buffer.from([0x1c, 0x02, 0x78, 0x00, 0x01, 0x41]);
    const inData = Buffer.concat([jpeg.subarray(0, scan + 40), caption, jpeg.subarray(scan + 40)]);
    assert.equal(mayHoldPersonMetadata(inData), false);
    assert.equal(mayHoldPersonMetadata(Buffer.concat([jpeg, caption])), true, 'after the end marker: a trailer');
    const app13 = Buffer.concat([Buffer.from([0xff, 0xed, 0x00, 0x08]), caption]);
    const lateSegment = Buffer.concat([jpeg.subarray(0, -2), app13, jpeg.subarray(-2)]);
    assert.equal(mayHoldPersonMetadata(lateSegment), true, 'an APP13 segment after the first scan');
    // A sidecar is read whatever the image's bytes say.
    const plain = copySample('china.jpg', 'plain-with-sidecar.jpg');
    execFileSync(EXIFTOOL, ['-q', '-XMP-dc:Description=A temple', `${plain}.xmp`]);
    assert.equal((await readPersonMetadata(plain, { bytes: readFileSync(plain) }))?.caption, 'A temple');
  });
});
