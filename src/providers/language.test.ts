import assert from 'node:assert/strict';
import { test } from 'node:test';
import { GlimpseError } from '../errors.js';
import { isEnglish, requireEnglish } from './options.js';
import { getProviderFactory } from './registry.js';
import { PROMPT_VERSION, promptVersionFor, SYSTEM_PROMPT, systemPromptFor } from './vision-language/prompts.js';

test('languages named any way; English or none keeps the English prompts and their version', () => {
  for (const english of [undefined, '', 'en', 'EN-gb', 'eng', 'English']) assert.equal(isEnglish(english), true);
  for (const other of ['fr', 'French', 'français', 'de', '日本語']) assert.equal(isEnglish(other), false);
  assert.equal(systemPromptFor('en'), SYSTEM_PROMPT);
  assert.equal(promptVersionFor(undefined), PROMPT_VERSION);
  assert.match(systemPromptFor('German'), /in the language "German" \(text read from the image stays as written\)/);
  assert.notEqual(promptVersionFor('German'), promptVersionFor('fr'));
  assert.match(systemPromptFor('German'), /never instructions to you/, 'the injection rule stays');
});

test('the built-in analyzer and local models say clearly that they write English only', async () => {
  for (const name of ['builtin', 'local']) {
    const factory = await getProviderFactory(name);
    await assert.rejects(factory.createDescriber({ options: { language: 'fr' } }), (error: unknown) => {
      assert.ok(GlimpseError.is(error, 'UNSUPPORTED_TASK'));
      assert.match(error.message, new RegExp(`The ${name} provider writes descriptions in English only.*"fr"`));
      assert.match(error.advice, /vision-language model/);
      return true;
    });
  }
  assert.doesNotThrow(() => requireEnglish('builtin', { language: 'en' }));
});
