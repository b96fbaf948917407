/**
 * The queue announces new jobs: a worker waiting on `newJobs` for its queue is woken by another process's `enqueue`
 * (not only by its next ask).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { withTestDatabase } from '../testing/postgres.js';
import { JobQueue, queueName, queueSettings } from './job-queue.js';

const key = { provider: 'fake', requestedModel: 'model-x', promptVersion: 'v1' };

test('enqueue wakes whoever waits for new jobs on that queue, through PostgreSQL', () =>
  withTestDatabase(async (url) => {
    const worker = await JobQueue.open(url, { settings: queueSettings({}) });
    const enqueuer = await JobQueue.open(url, { settings: queueSettings({}) });
    try {
      const name = queueName(key);
      await worker.ensure(name);
      // The first call opens the listening connection; wait until it listens (an announcement before is not heard).
      let woken = false;
      const first = worker.newJobs(name).then(() => {
        woken = true;
      });
      for (let attempt = 0; attempt < 100 && !woken; attempt++) {
        await enqueuer.enqueue(key, [{ source: 'path', location: `/photo-${attempt}.png` }]);
        await Promise.race([first, new Promise((resolve) => setTimeout(resolve, 100))]);
      }
      assert.equal(woken, true);
      // Once announced, a new wait waits for the next announcement.
      const second = worker.newJobs(name);
      assert.notEqual(second, first);
      await enqueuer.enqueue(key, [{ source: 'path', location: '/photo-last.png' }]);
      await second;
    } finally {
      await worker.close();
      await enqueuer.close();
    }
  }));
