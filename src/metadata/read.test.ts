/**
 * The sidecar lookups an indexing run makes (SidecarFinder): one listing per folder that holds many of the run's
 * images instead of two opens per image, with the same answers as opening each sidecar.
 */
import assert from 'node:assert/strict';
import { copyFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { sample, temporaryDirectory } from '../testing/fixtures.js';
import { readPersonMetadata, SidecarFinder } from './read.js';

const SIDECAR = `<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/" dc:description="A rocket on its pad"/></rdf:RDF></x:xmpmeta>`;

test('a folder of many images is listed once: sidecars found (whatever the case of their names), others not opened', async () => {
  const folder = temporaryDirectory('glimpse-sidecars-');
  const images = Array.from({ length: SidecarFinder.LISTED_FROM }, (_, index) => join(folder, `photo${index}.jpg`));
  for (const image of images) copyFileSync(sample('rocket.jpg'), image);
  writeFileSync(join(folder, 'photo1.jpg.xmp'), SIDECAR);
  writeFileSync(join(folder, 'photo2.xmp'), SIDECAR);
  const sidecars = new SidecarFinder(images);
  assert.equal(await sidecars.mayExist(join(folder, 'photo0.jpg.xmp')), false);
  assert.equal(await sidecars.mayExist(join(folder, 'photo0.xmp')), false);
  assert.equal(await sidecars.mayExist(join(folder, 'photo1.jpg.xmp')), true);
  assert.equal(await sidecars.mayExist(join(folder, 'PHOTO2.XMP')), true, 'a case-insensitive file system opens it');
  for (const [index, caption] of [null, 'A rocket on its pad', 'A rocket on its pad'].entries()) {
    const found = await readPersonMetadata(images[index], { sidecars });
    assert.equal(found?.caption ?? null, caption, images[index]);
  }
  // Written after the listing: seen by the next run (a new finder), not by this one.
  writeFileSync(join(folder, 'photo3.jpg.xmp'), SIDECAR);
  assert.equal(await readPersonMetadata(images[3], { sidecars }), null);
  assert.equal(
    (await readPersonMetadata(images[3], { sidecars: new SidecarFinder(images) }))?.caption,
    'A rocket on its pad',
  );
});

test('a folder with few of the run’s images is not listed: each sidecar is opened as without a finder', async () => {
  const folder = temporaryDirectory('glimpse-sidecars-');
  const image = join(folder, 'photo.jpg');
  copyFileSync(sample('rocket.jpg'), image);
  const sidecars = new SidecarFinder([image]);
  assert.equal(await sidecars.mayExist(join(folder, 'photo.jpg.xmp')), true, 'not listed: may exist');
  writeFileSync(join(folder, 'photo.jpg.xmp'), SIDECAR);
  assert.equal((await readPersonMetadata(image, { sidecars }))?.caption, 'A rocket on its pad');
});
