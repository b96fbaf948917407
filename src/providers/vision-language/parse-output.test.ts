import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cleanAltText, parseModelJson, parseOcr, parseTags } from './parse-output.js';
import { descriptionSchema, moderationSchema, PROMPT_VERSION, promptVersionOf, SYSTEM_PROMPT } from './prompts.js';

const valid = {
  caption: 'A cat.',
  detailed: 'A tabby cat looks at the camera.',
  alt: 'Tabby cat looking at the camera',
  tags: ['cat'],
  objects: [{ label: 'cat', box: null }],
  text: null,
  safety: { flagged: false, description: 'No unsafe content detected.' },
};

test('JSON inside code fences and prose is found', () => {
  const result = parseModelJson(
    `Here you go:\n\`\`\`json\n${JSON.stringify(valid)}\n\`\`\`\nAnything else?`,
    descriptionSchema,
  );
  assert.deepEqual(result, { ok: true, value: valid });
});

test('trailing commas, smart quotes and output cut off by the token limit are repaired', () => {
  const trailing = parseModelJson(
    '{"flagged": false, "description": "Fine.", "scores": {"sexual": 0.1,},}',
    moderationSchema,
  );
  assert.deepEqual(trailing, { ok: true, value: { flagged: false, description: 'Fine.', scores: { sexual: 0.1 } } });
  const smart = parseModelJson(
    '{\u201Cflagged\u201D: true, \u201Cdescription\u201D: \u201CGore.\u201D, \u201Cscores\u201D: {}}',
    moderationSchema,
  );
  assert.equal(smart.ok && smart.value.flagged, true);
  const truncated = parseModelJson(
    '{"flagged": false, "description": "No unsafe content", "scores": {"violence": 0',
    moderationSchema,
  );
  assert.equal(truncated.ok, true);
});

test('wrong shapes and non-JSON are reported with the problem, for the re-ask', () => {
  const missing = parseModelJson('{"caption": "A cat."}', descriptionSchema);
  assert.equal(missing.ok, false);
  assert.match(!missing.ok ? missing.problem : '', /did not match the schema.*detailed/);
  const prose = parseModelJson('I am sorry, I cannot help.', descriptionSchema);
  assert.deepEqual(prose, { ok: false, problem: 'it contained no JSON object' });
});

test('alt text: no "image of", at most 125 characters, cut at a word', () => {
  assert.equal(cleanAltText('Image of a cat on a mat'), 'A cat on a mat');
  assert.equal(cleanAltText('"A photo showing two dogs"'), 'Two dogs');
  assert.equal(cleanAltText('Picture of the sea.\nSecond line ignored'), 'The sea.');
  const long = cleanAltText('A '.concat('very long sentence about a harbour '.repeat(10)));
  assert.ok(long.length <= 125);
  assert.ok(long.endsWith('…'));
  assert.doesNotMatch(long, /\s…$/);
});

test('tags and OCR', () => {
  assert.deepEqual(parseTags('Tags: Cat, 1. Tabby\n- whiskers, cat'), ['cat', 'tabby', 'whiskers']);
  assert.equal(parseOcr('NO_TEXT'), null);
  assert.equal(parseOcr('  no_text. '), null);
  assert.equal(parseOcr('EXIT\nline 2'), 'EXIT\nline 2');
});

test('the prompt version follows the prompt text', () => {
  assert.match(PROMPT_VERSION, /^vl1-[0-9a-f]{8}$/);
  assert.notEqual(promptVersionOf([SYSTEM_PROMPT, 'caption v1']), promptVersionOf([SYSTEM_PROMPT, 'caption v2']));
  assert.equal(promptVersionOf(['a', 'b']), promptVersionOf(['a', 'b']));
});
