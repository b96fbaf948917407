/**
 * Child process of the built-in analyzer bench: where the time of one image goes. One analyzer on this thread
 * (no pool, so the stages are timed one after another and never overlap), warmed on the first image; per image:
 * decoding (prepareImage at the provider's size), the hand-off to a worker thread and back (the pool's copy and
 * transfer of the pixels, the signals returned), and every analysis stage. Prints one JSON line: mean milliseconds
 * per stage for each kind of image. CPU milliseconds (see StageTimes), so a loaded machine inflates them less. Arguments: KIND:PATH… (kinds: photo, text).
 */
import { readFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { prepareImage } from '../images/prepare.js';
import { Analyzer } from '../providers/builtin/analysis/analyzer.js';
import { type Pixels, type Signals, type StageTimes, timed } from '../providers/builtin/analysis/signals.js';
import { PREFERRED_IMAGE_SIZE } from '../providers/builtin/index.js';

export interface BuiltinProfile {
  /** Per kind: images profiled and mean CPU milliseconds per stage and image. */
  kinds: Record<string, { images: number; ms: StageTimes }>;
}

const ALL = { objects: true, text: true, safety: true };
// Threads as each of the analysis pool's workers has them (AnalysisPool: one worker per core, at most two).
const analyzer = new Analyzer({
  threads: Math.max(1, Math.floor(availableParallelism() / Math.min(2, availableParallelism()))),
});
// The pool's round trip without the analysis: pixels copied and transferred in, signals cloned back.
const echo = new Worker(
  "const { parentPort } = require('node:worker_threads'); parentPort.on('message', (m) => parentPort.postMessage(m.signals));",
  { eval: true },
);
const handOff = (pixels: Pixels, signals: Signals) =>
  new Promise<void>((resolve) => {
    echo.once('message', () => resolve());
    const data = new Uint8Array(pixels.data);
    echo.postMessage({ pixels: { data, width: pixels.width, height: pixels.height }, signals }, [data.buffer]);
  });

const kinds: BuiltinProfile['kinds'] = {};
let warm = false;
for (const input of process.argv.slice(2)) {
  const [kind, ...rest] = input.split(':');
  const path = rest.join(':');
  const times: StageTimes = {};
  const bytes = await readFile(path);
  const decoded = await timed(times, 'decode', async () => {
    const { image } = await prepareImage(bytes, path, { maxSide: PREFERRED_IMAGE_SIZE });
    return { ...(await image.pixels()), exif: image.exif ?? null };
  });
  const pixels = { data: decoded.data, width: decoded.width, height: decoded.height };
  if (!warm) {
    await analyzer.analyze(pixels, null, ALL);
    warm = true;
  }
  const signals = await analyzer.analyze(pixels, decoded.exif, ALL, times);
  await timed(times, 'worker hand-off', () => handOff(pixels, signals));
  const entry = (kinds[kind] ??= { images: 0, ms: {} });
  entry.images++;
  for (const [stage, ms] of Object.entries(times)) entry.ms[stage] = (entry.ms[stage] ?? 0) + ms;
}
for (const entry of Object.values(kinds))
  for (const stage of Object.keys(entry.ms)) entry.ms[stage] = entry.ms[stage] / entry.images;
await analyzer.close();
await echo.terminate();
const profile: BuiltinProfile = { kinds };
process.stdout.write(`${JSON.stringify(profile)}\n`);
