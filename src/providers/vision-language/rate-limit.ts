/**
 * Per-provider limits: at most `concurrency` requests in flight, and starts spaced so that no more than
 * `requestsPerMinute` begin in any minute. Retries wait outside the limiter, so a backing-off request holds no slot.
 */
import { sleep } from './retry.js';

export interface RateLimits {
  concurrency: number;
  /** 0 or undefined: no per-minute limit. */
  requestsPerMinute?: number;
}

export interface RateLimiter {
  run<T>(task: () => Promise<T>, signal?: AbortSignal): Promise<T>;
}

export function createRateLimiter(limits: RateLimits): RateLimiter {
  const concurrency = Math.max(1, Math.floor(limits.concurrency));
  const spacingMs = limits.requestsPerMinute ? 60_000 / limits.requestsPerMinute : 0;
  let active = 0;
  let nextStart = 0;
  const waiting: Array<() => void> = [];

  async function acquire(signal?: AbortSignal) {
    if (active >= concurrency) await new Promise<void>((resolve) => waiting.push(resolve));
    else active++;
    if (spacingMs > 0) {
      const now = Date.now();
      const start = Math.max(now, nextStart);
      nextStart = start + spacingMs;
      if (start > now) {
        try {
          await sleep(start - now, signal);
        } catch (error) {
          release();
          throw error;
        }
      }
    }
  }

  function release() {
    const next = waiting.shift();
    if (next)
      next(); // the slot passes straight to the next waiter
    else active--;
  }

  return {
    async run(task, signal) {
      await acquire(signal);
      try {
        return await task();
      } finally {
        release();
      }
    },
  };
}
