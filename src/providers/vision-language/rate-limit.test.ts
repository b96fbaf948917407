import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createRateLimiter } from './rate-limit.js';
import { sleep } from './retry.js';

test('never more than `concurrency` tasks in flight, and every task runs', async () => {
  const limiter = createRateLimiter({ concurrency: 2 });
  let inFlight = 0;
  let most = 0;
  const results = await Promise.all(
    Array.from({ length: 7 }, (_, index) =>
      limiter.run(async () => {
        inFlight++;
        most = Math.max(most, inFlight);
        await sleep(5);
        inFlight--;
        return index;
      }),
    ),
  );
  assert.deepEqual(results, [0, 1, 2, 3, 4, 5, 6]);
  assert.equal(most, 2);
});

test('a failing task frees its slot', async () => {
  const limiter = createRateLimiter({ concurrency: 1 });
  await assert.rejects(
    limiter.run(async () => Promise.reject(new Error('boom'))),
    /boom/,
  );
  assert.equal(await limiter.run(async () => 'next'), 'next');
});

test('requests per minute space the starts', async () => {
  const limiter = createRateLimiter({ concurrency: 10, requestsPerMinute: 1200 }); // one start per 50 ms
  const starts: number[] = [];
  await Promise.all(Array.from({ length: 4 }, () => limiter.run(async () => starts.push(Date.now()))));
  starts.sort((a, b) => a - b);
  // Lower bound only, with slack for timers that fire a few milliseconds early: unlimited, all 4 start at once.
  assert.ok(starts[3]! - starts[0]! >= 130, `4 starts spread over ${starts[3]! - starts[0]!} ms`);
});
