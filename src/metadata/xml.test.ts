import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseXml, XmlError } from './xml.js';

test('decodes the predefined entities and character references', () => {
  const [root] = parseXml('<a>Tom &amp; Jerry &lt;3 &#233;t&#xE9;</a>');
  assert.equal(root.text, 'Tom & Jerry <3 été');
});

test("an entity named like an object's inherited member is unknown, not a function's source", () => {
  // A plain object's `in` finds 'constructor' and 'toString': such a name must go to ExifTool like any unknown entity.
  for (const name of ['constructor', 'toString', '__proto__']) {
    assert.throws(() => parseXml(`<a>&${name};</a>`), XmlError, name);
  }
});
