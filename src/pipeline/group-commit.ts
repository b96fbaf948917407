/**
 * Group commit for an indexing run: the writes of images that finish close together (each image's claim, and its
 * one transaction of description, file row and search row) are committed in one transaction instead of one each.
 * A commit is a good part of a write's cost (the pages it touches go to the WAL again, SQLite's code and pages are
 * cold again after a decode), and consecutive images touch the same pages.
 *
 * Each write still lands whole or not at all: it runs in its own savepoint inside the group, so a write that throws
 * is rolled back alone and only its caller sees the error. A write's promise settles after the group's commit, so
 * an image counts as done only once it is durable; a crash (kill -9) before that loses the images whose writes wait
 * — images in flight, as before — and nothing committed.
 *
 * When to commit: at once for an urgent write (a claim: the image's decode waits for it), taking along the writes
 * that wait; as soon as every image in flight waits for a write (no other write can come before one of them is done:
 * with one image at a time, at once); else after `windowMs` — a few milliseconds, nothing beside a provider's answer,
 * and about what another image takes to reach its claim when the provider is instant.
 */
import type { Store } from '../storage/store.js';

export interface GroupCommit {
  /**
   * Runs `work` in the next group's transaction; settles (with its result or its error) once that is committed.
   * `urgent`: commit now, with whatever writes wait.
   */
  write<T>(work: () => T, urgent?: boolean): Promise<T>;
  /** An image entered (+1) or left (-1) the run's flight: the writes wait for at most as many as are in flight. */
  inFlight(change: 1 | -1): void;
}

interface Pending {
  work: () => unknown;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

export const GROUP_WINDOW_MS = 2;

export function groupCommit(store: Store, windowMs = GROUP_WINDOW_MS): GroupCommit {
  let pending: Pending[] = [];
  let flying = 0;
  let timer: NodeJS.Timeout | undefined;

  const commit = () => {
    clearTimeout(timer);
    timer = undefined;
    const group = pending;
    pending = [];
    if (group.length === 0) return;
    const outcomes: ({ ok: true; value: unknown } | { ok: false; error: unknown })[] = [];
    try {
      store.transaction(() => {
        for (const { work } of group) {
          try {
            // A nested transaction is a savepoint: a write that throws is undone alone.
            outcomes.push({ ok: true, value: store.transaction(work) });
          } catch (error) {
            outcomes.push({ ok: false, error });
          }
        }
      });
    } catch (error) {
      // The group's own begin or commit failed (the database locked beyond the busy timeout, a full disk): none of
      // it landed.
      for (const { reject } of group) reject(error);
      return;
    }
    group.forEach(({ resolve, reject }, index) => {
      const outcome = outcomes[index];
      if (outcome.ok) resolve(outcome.value);
      else reject(outcome.error);
    });
  };

  const commitIfAllWait = () => {
    if (pending.length > 0 && pending.length >= flying) commit();
  };

  return {
    write<T>(work: () => T, urgent = false): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        pending.push({ work, resolve: resolve as (value: unknown) => void, reject });
        if (urgent || pending.length >= flying) commit();
        else timer ??= setTimeout(commit, windowMs);
      });
    },
    inFlight(change) {
      flying += change;
      commitIfAllWait();
    },
  };
}
