/**
 * A person's own words win: their caption and tags replace the generated ones in the search document (ranking and
 * snippets), in `show`'s alt text and in exports; generated text they contradicted no longer matches; clearing the
 * edit removes it. The real library on sample photos, descriptions from the recording provider.
 */
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { stripVTControlCharacters } from 'node:util';
import { formatDetails } from '../cli/commands/show.js';
import { createGlimpse, type Glimpse } from '../glimpse.js';
import { sample, temporaryDirectory } from '../testing/fixtures.js';
import { createRecordingProvider } from '../testing/recording-provider.js';

const LIBRARY: Record<string, { caption: string; tags: string[]; detailed?: string; alt?: string }> = {
  // The built-in analyzer's mistake, as seen on chelsea.png.
  'chelsea.png': {
    caption: 'A dog.',
    tags: ['dog'],
    detailed: 'A brown dog with pointed ears, a puppy perhaps.',
    alt: 'A dog.',
  },
  'horse.png': { caption: 'A dog running in the grass', tags: ['dog', 'grass'] },
  'coffee.png': { caption: 'A cup of coffee on a saucer', tags: ['cup', 'drink'] },
};

let g: Glimpse;
let dir: string;

before(async () => {
  dir = join(temporaryDirectory(), 'library');
  mkdirSync(dir, { recursive: true });
  for (const file of Object.keys(LIBRARY)) copyFileSync(sample(file), join(dir, file));
  g = await createGlimpse({
    db: join(dir, '..', 'own-words.db'),
    provider: createRecordingProvider({ respond: (request) => LIBRARY[request.image.source.split('/').pop()!] }),
  });
  await g.index([dir]);
});
after(() => g.close());

const top = async (query: string) => (await g.search(query)).results.map((result) => result.path.split('/').pop());

describe("a person's own words win", () => {
  test('their caption and tags replace the generated ones in ranking, snippets, alt text and exports', async () => {
    assert.equal((await top('a dog'))[0], 'chelsea.png', 'before the edit the generated caption ranks');
    g.edit(join(dir, 'chelsea.png'), { caption: "Chelsea, our neighbour's cat", tags: ['cat', 'neighbour'] });

    for (const query of ['a dog', 'puppy', 'dog', 'pointed ears']) {
      assert.ok(!(await top(query)).includes('chelsea.png'), `"${query}" no longer finds Chelsea`);
    }
    assert.equal((await top('a dog'))[0], 'horse.png');
    const cat = (await g.search('neighbour cat')).results[0];
    assert.equal(cat.path, join(dir, 'chelsea.png'));
    assert.match(cat.snippet, /«neighbour»/);
    assert.doesNotMatch(cat.snippet, /dog/i);
    assert.equal(cat.caption, "Chelsea, our neighbour's cat");
    assert.deepEqual(cat.tags, ['cat', 'neighbour']);
    // The file name still counts.
    assert.equal((await top('chelsea'))[0], 'chelsea.png');

    const shown = stripVTControlCharacters(formatDetails(g.show(join(dir, 'chelsea.png'))));
    assert.match(shown, /alt text\s+Chelsea, our neighbour's cat/);
    assert.match(shown, /edited\s+by hand/);

    let jsonl = '';
    await g.export({ format: 'jsonl', write: (chunk) => void (jsonl += chunk) });
    const exported = jsonl
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line))
      .find((record) => record.path.endsWith('chelsea.png'));
    assert.doesNotMatch(exported.content, /dog/i);
    assert.match(exported.content, /neighbour/);
  });

  test('clearing the edit brings the generated words back and "edited by hand" goes', async () => {
    g.edit(join(dir, 'chelsea.png'), { caption: 'Chelsea' });
    g.edit(join(dir, 'chelsea.png'), { caption: null, tags: null });
    const details = g.show(join(dir, 'chelsea.png'));
    assert.equal(details.userEdits, null);
    assert.doesNotMatch(formatDetails(details), /edited/);
    assert.equal((await top('a dog'))[0], 'chelsea.png');
  });
});
