/**
 * Turns at something that takes at most `limit` callers at once (a model server's describe calls): the others wait
 * in order. The indexer and the queue worker hold more images than they let the model describe, so that reading,
 * decoding and committing overlap the model's work.
 */
export function turns(limit: number): <T>(run: () => Promise<T>) => Promise<T> {
  let running = 0;
  const waiting: (() => void)[] = [];
  return async (run) => {
    // A turn that ends hands its place straight to the first one waiting.
    if (running >= limit) await new Promise<void>((resolve) => waiting.push(resolve));
    else running++;
    try {
      return await run();
    } finally {
      const next = waiting.shift();
      if (next) next();
      else running--;
    }
  };
}
