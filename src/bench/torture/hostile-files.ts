/**
 * A seeded generator of corrupt and hostile files, one folder per kind, as a fuzzing campaign found them: bit flips
 * and truncations of real photos, forged headers, pixel bombs, SVG in disguise, HEIC junk, device files behind
 * links, FIFOs, link loops and odd file names. The same seed writes the same bytes.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { samplesDir, writePngBomb } from '../../testing/fixtures.js';
import { seededRandom } from '../vocabulary.js';

export interface HostileFolder {
  /** The kind of file, as the table shows it. */
  kind: string;
  folder: string;
  /** How many entries were written (files, links, FIFOs). */
  entries: number;
  /** How many real, distinct images among them must end up indexed (each once). */
  validImages: number;
  /** The issue-18 item this kind exercises, for the report. */
  item: string;
  /** Entries also given by name to `index` and `caption` (not only found by walking the folder). */
  direct: string[];
}

export function samplePhotos(): Buffer[] {
  return readdirSync(samplesDir)
    .filter((name) => /\.(png|jpe?g)$/i.test(name))
    .sort()
    .map((name) => readFileSync(join(samplesDir, name)));
}

/** `count` distinct valid images (sample photos with their own trailing bytes), named by `name(i, extension)`. */
export function writeDistinctPhotos(folder: string, count: number, tag = 'copy'): string[] {
  mkdirSync(folder, { recursive: true });
  const photos = samplePhotos();
  return Array.from({ length: count }, (_, i) => {
    const bytes = photos[i % photos.length];
    const extension = bytes[0] === 0x89 ? 'png' : 'jpg';
    const path = join(folder, `${tag}-${i}.${extension}`);
    writeFileSync(path, Buffer.concat([bytes, Buffer.from(`${tag} ${i}`)]));
    return path;
  });
}

export function writeHostileFiles(root: string, seed: number, fuzzCount: number): HostileFolder[] {
  const random = seededRandom(seed);
  const int = (below: number) => Math.floor(random() * below);
  const photos = samplePhotos();
  const pick = () => photos[int(photos.length)];
  const extensionOf = (bytes: Buffer) => (bytes[0] === 0x89 ? 'png' : 'jpg');
  const folders: HostileFolder[] = [];
  const kind = (
    name: string,
    item: string,
    write: (folder: string) => { entries: number; validImages?: number; direct?: string[] },
  ) => {
    const folder = join(root, name);
    mkdirSync(folder, { recursive: true });
    const { entries, validImages = 0, direct = [] } = write(folder);
    folders.push({
      kind: name,
      folder,
      entries,
      validImages,
      item,
      direct: direct.map((entry) => join(folder, entry)),
    });
  };

  kind('bit-flips', 'fuzz', (folder) => {
    for (let i = 0; i < fuzzCount; i++) {
      const bytes = Buffer.from(pick());
      const flips = 1 + int(64);
      for (let f = 0; f < flips; f++) bytes[int(bytes.length)] ^= 1 << int(8);
      writeFileSync(join(folder, `flip-${i}.${extensionOf(bytes)}`), bytes);
    }
    return { entries: fuzzCount };
  });

  kind('truncations', 'fuzz', (folder) => {
    for (let i = 0; i < fuzzCount; i++) {
      const bytes = pick();
      const cut = i < 3 ? i : int(bytes.length);
      writeFileSync(join(folder, `cut-${i}.${extensionOf(bytes)}`), bytes.subarray(0, cut));
    }
    return { entries: fuzzCount };
  });

  kind('forged-headers', 'fuzz', (folder) => {
    const junk = (length: number) => Buffer.from(Array.from({ length }, () => int(256)));
    const u32 = (value: number) => {
      const buffer = Buffer.alloc(4);
      buffer.writeUInt32BE(value >>> 0);
      return buffer;
    };
    const forged: [string, Buffer][] = [
      // PNG signature + an IHDR claiming 2^31-1 square pixels, then junk.
      [
        'png',
        Buffer.concat([
          Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex'),
          u32(0x7fffffff),
          u32(0x7fffffff),
          junk(200),
        ]),
      ],
      // JPEG SOI + SOF0 65535×65535, no scan.
      ['jpg', Buffer.concat([Buffer.from('ffd8ffc0001108ffffffff03011100021101031101', 'hex'), junk(100)])],
      ['gif', Buffer.concat([Buffer.from('GIF89a', 'latin1'), Buffer.from('ffffffff', 'hex'), junk(300)])],
      [
        'webp',
        Buffer.concat([Buffer.from('RIFF', 'latin1'), u32(0xffffffff), Buffer.from('WEBPVP8 ', 'latin1'), junk(64)]),
      ],
      ['bmp', Buffer.concat([Buffer.from('BM', 'latin1'), junk(52)])],
      ['tif', Buffer.concat([Buffer.from('49492a00ffffff7f', 'hex'), junk(64)])],
      ['avif', Buffer.concat([u32(24), Buffer.from('ftypavif', 'latin1'), junk(500)])],
      ['jpg', Buffer.alloc(0)],
      ['png', Buffer.from('this is not an image at all\n')],
    ];
    for (let i = 0; i < fuzzCount; i++) {
      const [extension, bytes] = forged[i % forged.length];
      // Each copy gets its own junk tail so none is deduplicated by content.
      writeFileSync(join(folder, `forged-${i}.${extension}`), Buffer.concat([bytes, junk(int(64))]));
    }
    return { entries: fuzzCount };
  });

  kind('pixel-bombs', 'fuzz', (folder) => {
    writePngBomb(join(folder, 'bomb-30k.png'), 30_000, 30_000);
    writePngBomb(join(folder, 'bomb-wide.png'), 1_000_000, 8);
    writePngBomb(join(folder, 'bomb-tall.png'), 8, 1_000_000);
    return { entries: 3 };
  });

  kind('svg', '8', (folder) => {
    const huge =
      '<svg xmlns="http://www.w3.org/2000/svg" width="9000" height="9000"><rect width="9000" height="9000" fill="red"/></svg>';
    writeFileSync(join(folder, 'svg-named.png'), huge);
    writeFileSync(join(folder, 'plain.svg'), huge);
    writeFileSync(
      join(folder, 'external.svg'),
      '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="64" height="64"><image xlink:href="http://127.0.0.1:9/x.png" width="64" height="64"/><image href="file:///etc/passwd"/></svg>',
    );
    const laughs = `<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "lol"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;"><!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;"><!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;"><!ENTITY g "&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;">]><svg xmlns="http://www.w3.org/2000/svg"><text>&g;</text></svg>`;
    writeFileSync(join(folder, 'laughs.jpg'), laughs);
    return { entries: 4 };
  });

  kind('heic-junk', '6', (folder) => {
    const box = (brand: string) => {
      const header = Buffer.alloc(8);
      header.writeUInt32BE(24);
      header.write('ftyp', 4, 'latin1');
      return Buffer.concat([header, Buffer.from(`${brand}\0\0\0\0mif1heic`, 'latin1')]);
    };
    for (let i = 0; i < 8; i++) {
      const tail = Buffer.from(Array.from({ length: int(4096) }, () => int(256)));
      writeFileSync(
        join(folder, `junk-${i}.${i % 2 ? 'heif' : 'heic'}`),
        Buffer.concat([box(i % 3 ? 'heic' : 'mif1'), tail]),
      );
    }
    return { entries: 8 };
  });

  kind('device-files', '1', (folder) => {
    symlinkSync('/dev/zero', join(folder, 'zero.jpg'));
    symlinkSync('/dev/urandom', join(folder, 'urandom.png'));
    symlinkSync('/dev/null', join(folder, 'null.jpg'));
    return { entries: 3, direct: ['zero.jpg', 'urandom.png', 'null.jpg'] };
  });

  kind('huge-sparse', '7', (folder) => {
    // 2.5 GB that take no disk: a JPEG start, then a hole. Must be refused by size, not read.
    const path = join(folder, 'sparse.jpg');
    writeFileSync(path, Buffer.from('ffd8ffe000104a46494600', 'hex'));
    truncateSync(path, 2.5 * 2 ** 30);
    return { entries: 1, direct: ['sparse.jpg'] };
  });

  kind('fifos', '2', (folder) => {
    execFileSync('mkfifo', [join(folder, 'pipe.jpg'), join(folder, 'pipe.png')]);
    writeDistinctPhotos(folder, 1, 'real');
    return { entries: 3, validImages: 1, direct: ['pipe.jpg'] };
  });

  kind('link-loops', '9', (folder) => {
    const loop = join(folder, 'dirloop');
    mkdirSync(loop);
    writeDistinctPhotos(loop, 1, 'looped');
    symlinkSync('../dirloop', join(loop, 'self'));
    symlinkSync('b.jpg', join(folder, 'a.jpg'));
    symlinkSync('a.jpg', join(folder, 'b.jpg'));
    symlinkSync('missing.png', join(folder, 'dangling.png'));
    symlinkSync('.', join(folder, 'here'));
    return { entries: 6, validImages: 1, direct: ['a.jpg'] };
  });

  kind('odd-names', '7', (folder) => {
    const names: (string | Buffer)[] = [
      'new\nline.png',
      '-rf.png',
      '  spaces  .png',
      'tab\there.png',
      'caf\u00e9-nfc.png',
      'cafe\u0301-nfd.png',
      '%00%2e%2e.png',
      '$(touch pwned).png',
      '"quoted" \'and\' <tags>.png',
      `${'x'.repeat(240)}.png`,
      'emoji-\u{1f4f7}.png',
      '.hidden.png',
      'UPPER.PNG',
      Buffer.concat([Buffer.from(join(folder, 'latin1-')), Buffer.from([0xe9, 0xff]), Buffer.from('.png')]),
    ];
    const photos = samplePhotos();
    names.forEach((name, i) => {
      const bytes = photos[i % photos.length];
      const png = bytes[0] === 0x89;
      const content = Buffer.concat([bytes, Buffer.from(`odd ${i}`)]);
      if (Buffer.isBuffer(name)) writeFileSync(name, content);
      else writeFileSync(join(folder, png ? name : name.replace(/\.png$/i, '.jpg')), content);
    });
    // Hidden files are skipped by design: every other name is a photo to index.
    return { entries: names.length, validImages: names.length - 1 };
  });

  return folders;
}
