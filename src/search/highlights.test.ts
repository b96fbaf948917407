import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { writeSyntheticLibrary } from '../bench/synthetic-store.js';
import type { Vocabulary } from '../bench/vocabulary.js';
import { SqliteStore } from '../storage/sqlite/sqlite-store.js';
import { temporaryDirectory } from '../testing/fixtures.js';
import { markMatches } from './highlights.js';
import { SearchIndex } from './search-index.js';

const words = ['dogs', 'running', 'beach', 'red', 'cars', 'parked', 'kite', 'flying'];
const vocabulary: Vocabulary = {
  words,
  cumulative: Float64Array.from(words.map((_, index) => index + 1)),
  captions: [],
  source: 'test',
};

test('highlights and snippets from the copy equal those FTS5 gives on the library table, read-only too', async () => {
  const path = await writeSyntheticLibrary(join(temporaryDirectory(), 'marks.db'), vocabulary, 300);
  const store = new SqliteStore(path, { readonly: true });
  const index = new SearchIndex(store);
  try {
    const columns = ['caption', 'tags', 'path'];
    for (const expression of ['"dog"', '("run" OR "cars")', '"red car"']) {
      const ids = store.db
        .prepare('SELECT rowid FROM search_index WHERE search_index MATCH ? LIMIT 12')
        .pluck()
        .all(expression) as number[];
      assert.ok(ids.length > 0, expression);
      const changes = () => store.db.prepare('SELECT total_changes()').pluck().get();
      const before = changes();
      const marks = markMatches(index, expression, [...ids, 999_999], columns);
      // Nothing is written through the library's connection: that would drop its caches (term counts, row lengths).
      assert.equal(changes(), before);
      assert.equal(marks.size, ids.length, 'a row that does not exist or match is absent');
      for (const id of ids) {
        const expected = store.db
          .prepare(
            `SELECT highlight(search_index, 0, '«', '»'), highlight(search_index, 1, '«', '»'), highlight(search_index, 5, '«', '»'),
                    snippet(search_index, 0, '«', '»', '…', 16), snippet(search_index, 1, '«', '»', '…', 16), snippet(search_index, 5, '«', '»', '…', 16)
             FROM search_index WHERE search_index MATCH ? AND rowid = ?`,
          )
          .raw()
          .get(expression, BigInt(id)) as string[];
        assert.deepEqual([...marks.get(id)!.highlighted, ...marks.get(id)!.snippets], expected);
      }
      // Stemming as in the library: "dog" marks "dogs".
      if (expression === '"dog"') assert.match(marks.get(ids[0])!.highlighted.join(' '), /«dogs»/i);
    }
  } finally {
    await index.close();
    store.close();
  }
});
