import assert from 'node:assert/strict';
import { test } from 'node:test';
import { GlimpseError } from '../../errors.js';
import { parseRetryAfter, retryDelay, withRetries } from './retry.js';

const policy = { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 5, maxRetryAfterMs: 2000 };

test('Retry-After: seconds, HTTP date, retry-after-ms, absent', () => {
  assert.equal(parseRetryAfter({ 'Retry-After': '7' }), 7);
  const now = Date.parse('2026-11-27T10:00:00Z');
  assert.equal(parseRetryAfter({ 'retry-after': 'Fri, 27 Nov 2026 10:00:30 GMT' }, now), 30);
  assert.equal(parseRetryAfter({ 'retry-after-ms': '250', 'retry-after': '9' }), 0.25);
  assert.equal(parseRetryAfter({ 'retry-after': 'soon' }), undefined);
  assert.equal(parseRetryAfter({}), undefined);
  assert.equal(parseRetryAfter(undefined), undefined);
});

test('the delay honours Retry-After and refuses one longer than the maximum', () => {
  const limited = (seconds: number) =>
    new GlimpseError('PROVIDER_RATE_LIMITED', 'slow down', { retryAfterSeconds: seconds });
  assert.equal(retryDelay(limited(1.5), 1, policy), 1500);
  assert.equal(retryDelay(limited(60), 1, policy), null);
  const backoff = retryDelay(new GlimpseError('PROVIDER_UNAVAILABLE', '503'), 3, {
    ...policy,
    baseDelayMs: 100,
    maxDelayMs: 10_000,
  })!;
  assert.ok(backoff >= 200 && backoff <= 400, `third attempt waits between 200 and 400 ms, not ${backoff}`);
});

test('retryable errors are retried up to maxAttempts; others are thrown at once', async () => {
  let calls = 0;
  const result = await withRetries(async () => {
    calls++;
    if (calls < 3) throw new GlimpseError('PROVIDER_UNAVAILABLE', '503');
    return 'ok';
  }, policy);
  assert.deepEqual([result, calls], ['ok', 3]);

  calls = 0;
  await assert.rejects(
    withRetries(async () => {
      calls++;
      throw new GlimpseError('PROVIDER_TIMEOUT', 'slow');
    }, policy),
    (error: unknown) => GlimpseError.is(error, 'PROVIDER_TIMEOUT'),
  );
  assert.equal(calls, 3);

  calls = 0;
  await assert.rejects(
    withRetries(async () => {
      calls++;
      throw new GlimpseError('PROVIDER_AUTH', 'bad key');
    }, policy),
  );
  assert.equal(calls, 1);
});

test('a cancelled signal stops the wait between attempts', async () => {
  const controller = new AbortController();
  const attempt = withRetries(
    async () => {
      throw new GlimpseError('PROVIDER_RATE_LIMITED', 'wait', { retryAfterSeconds: 1 });
    },
    policy,
    { signal: controller.signal },
  );
  controller.abort(new Error('user cancelled'));
  await assert.rejects(attempt, /user cancelled/);
});
