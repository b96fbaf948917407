/**
 * Indexing jobs started over HTTP: one at a time, events kept for late listeners, stopped when the server closes.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { type SampleStore, sampleStore } from '../testing/sample-store.js';
import { IndexJobs, type JobEvent } from './index-jobs.js';

let store: SampleStore;
before(async () => {
  store = await sampleStore({ index: false, latencyMs: 40 });
});
after(() => store.cleanup());

function finished(jobs: IndexJobs, id: string): Promise<JobEvent[]> {
  return new Promise((resolve) => {
    const seen: JobEvent[] = [];
    jobs.follow(id, 0, (event) => {
      seen.push(event);
      if (event.event !== 'progress') resolve(seen);
    });
  });
}

test('jobs run one after another and replay their events to late listeners', async () => {
  const jobs = new IndexJobs(store.glimpse);
  const first = jobs.start(store.photos, {});
  const second = jobs.start(store.photos, {});
  const secondStateWhileFirstRuns: string[] = [];
  jobs.follow(first.id, 0, () => secondStateWhileFirstRuns.push(jobs.get(second.id)!.state));
  const firstEvents = await finished(jobs, first.id);
  assert.deepEqual(new Set(secondStateWhileFirstRuns), new Set(['queued']), 'the second waits for the first');
  const secondEvents = await finished(jobs, second.id);
  assert.equal(firstEvents.at(-1)?.event, 'done');
  assert.equal(jobs.get(first.id)?.summary?.indexed, 9);
  assert.equal(jobs.get(second.id)?.summary?.unchanged, 9, 'nothing changed in between');
  assert.deepEqual(
    secondEvents.map((event) => event.id),
    secondEvents.map((_, index) => index + 1),
  );
  // A listener that arrives after the end gets everything, then nothing more.
  const late: JobEvent[] = [];
  jobs.follow(first.id, 0, (event) => late.push(event));
  assert.deepEqual(late, firstEvents);
  assert.deepEqual(
    jobs.list().map((job) => job.id),
    [second.id, first.id],
  );
  await jobs.close();
});

test('closing stops a running job; what was done stays done', async () => {
  const jobs = new IndexJobs(store.glimpse);
  const job = jobs.start(store.photos, { force: true });
  const events = finished(jobs, job.id);
  await new Promise<void>((resolve) =>
    jobs.follow(job.id, 0, (event) => event.event === 'progress' && event.data.type === 'image' && resolve()),
  );
  await jobs.close();
  const last = (await events).at(-1)!;
  assert.equal(last.event, 'failed');
  assert.match((last.data as { message: string }).message, /cancelled/);
  assert.ok(job.done >= 1 && job.done < 9, `stopped after ${job.done} images`);
});
