/**
 * `glimpse index`: describe what is new or changed, keep what is not, commit each image as soon as it is done.
 *
 * The incremental rule: an image is described again only when its content (sha256), the provider, the model or the
 * prompt version changed. A file whose size and modification time are unchanged is not even read. A moved or
 * renamed file is matched by hash and keeps its description. A crash loses at most the images in flight: up to twice
 * `concurrency`, since while the provider describes `concurrency` images the others are read, decoded or committed.
 */
import { createHash } from 'node:crypto';
import type { Stats } from 'node:fs';
import { sep } from 'node:path';
import { GlimpseError, isFatal, toGlimpseError } from '../errors.js';
import { readExif } from '../images/exif.js';
import { type LoadedImage, loadImage } from '../images/load-image.js';
import { readImageHeader } from '../images/prepare.js';
import { isUrl, readInput, readLocalFile, statInput } from '../images/read-input.js';
import { SidecarFinder } from '../metadata/read.js';
import type { Description, Embedder, ImageDescriber } from '../providers/spec.js';
import { fillSearchReadings, refreshSearchDocument, searchDocumentText } from '../search/documents.js';
import type { DescriptionKey, ImageRecord, Store } from '../storage/store.js';
import type { FailureResult, IndexEvent, IndexOptions, IndexSummary } from '../types.js';
import { describePrepared } from './describe.js';
import { discoverInputs, exists } from './discover.js';
import { type GroupCommit, groupCommit } from './group-commit.js';
import { importPersonMetadata } from './person-metadata.js';
import { turns } from './turns.js';

export interface RunIndexOptions extends IndexOptions {
  store: Store;
  describer: ImageDescriber;
  embedder: Embedder | null;
  paths: string[];
  maxPixels?: number;
  /**
   * Runs the describe call when the caller has room for it: a queue worker holds more images than it lets the model
   * describe at once, so that reading, decoding and committing overlap the model's work. The time waited for room
   * is not counted in the description's `ms`.
   */
  describeTurn?: <T>(describe: () => Promise<T>) => Promise<T>;
  /** Images in flight at once (default: twice `concurrency`; the bench's per-stage CPU times take one at a time). */
  inFlight?: number;
  /** Adds each stage's milliseconds, summed over images (`npm run bench` shows where indexing time goes). */
  timings?: IndexTimings;
}

/**
 * Milliseconds spent per stage, summed over images (concurrent images overlap, so the sum exceeds wall time), by
 * `clock` (default: wall time; the bench also counts CPU time, one image at a time).
 */
export interface IndexTimings {
  ms: Partial<Record<IndexStage, number>>;
  clock?: () => number;
}
export type IndexStage = 'lookup' | 'read' | 'hash' | 'decode' | 'describe' | 'metadata' | 'store';

/**
 * What runIndex knows of its images from discovery, for indexOne: each file's stat (so that it is not stat'ed twice)
 * and the folders' sidecar listings (read.ts); and its group commit (group-commit.ts), through which each image's
 * claim and its transaction are written.
 */
interface RunImageOptions extends RunIndexOptions {
  stats?: Map<string, Stats>;
  sidecars?: SidecarFinder;
  writes?: GroupCommit;
}

/** Runs `work` and adds its time to `stage` (when timings are asked for). */
function timed<T>(timings: IndexTimings | undefined, stage: IndexStage, work: () => T): T {
  if (!timings) return work();
  const clock = timings.clock ?? (() => performance.now());
  const started = clock();
  const add = () => {
    timings.ms[stage] = (timings.ms[stage] ?? 0) + clock() - started;
  };
  const result = work();
  if (result instanceof Promise) return result.finally(add) as T;
  add();
  return result;
}

/** Thrown to an image waiting for its describe turn when the run stops before it is asked about. */
const NOT_ASKED = Symbol('not asked');

/** 'held': another live process is describing the same content right now; try again later. */
export type Outcome = 'indexed' | 'unchanged' | 'moved' | 'held';

/** How long a claim on an image (and the run's own lease) lasts unless renewed; renewed every quarter of that. */
export const LEASE_MS = 60_000;
/** How often to look again at images another process holds, once everything else is done. */
const HELD_POLL_MS = 200;

/**
 * A run that wrote or deleted at least this many search rows ends by merging the full-text index's segments (see
 * Store.compactSearchIndex): a library built by many runs holds ten or so, and merged into one it answers searches
 * with 10–20 % less CPU at the 95th percentile. Merging rewrites the whole index (0.3 s for 100,000 images, 4 s for
 * a million), which a run of a thousand described images (minutes of provider calls) hardly notices, but a run that
 * added a few photos would; below this, FTS5's own partial merges keep the count of segments in check.
 */
export const COMPACT_AFTER_ROWS = 1000;

export async function runIndex(options: RunIndexOptions): Promise<IndexSummary> {
  const started = performance.now();
  const { store, describer } = options;
  const key: DescriptionKey = {
    provider: describer.provider,
    requestedModel: describer.modelId,
    promptVersion: describer.promptVersion,
  };
  const runId = store.startRun(describer.provider, describer.modelId);
  // While this run works, its run row and its claims stay alive; a killed run's lapse (or its gone pid) frees them.
  const heartbeat = setInterval(() => {
    try {
      store.renewLeases(LEASE_MS);
    } catch {
      // A store closed under a cancelled run: nothing left to keep alive.
    }
  }, LEASE_MS / 4);
  heartbeat.unref();
  const counts = { indexed: 0, unchanged: 0, failed: 0 };
  try {
    return await indexAll(options, key, runId, counts, started);
  } finally {
    clearInterval(heartbeat);
    store.finishRun(runId, counts);
  }
}

/**
 * Best effort: the run's rows are saved whatever happens here. Merging goes in steps, each its own transaction (a
 * killed process leaves the index as the last step left it, answering the same); a step may fail only for want of
 * the write lock (another indexer writing past the busy timeout) or of disk space, and the index is then as correct
 * as before, just in more segments.
 */
function compact(store: Store, emit: (event: IndexEvent) => void): void {
  try {
    store.compactSearchIndex({ onLong: (segments) => emit({ type: 'compacting', segments }) });
  } catch {
    // Left for the next large run.
  }
}

/**
 * Once per library after an upgrade: search rows written before their readings were kept get them now (see
 * fillSearchReadings), so that searches stop analysing those rows' text. Every later run finds that done in one row.
 * Each batch commits on its own: a run stopped or killed meanwhile keeps what it filled, and the next run goes on.
 */
async function fillReadings(
  store: Store,
  emit: (event: IndexEvent) => void,
  signal: AbortSignal | undefined,
): Promise<void> {
  let announced = false;
  try {
    await fillSearchReadings(store, {
      signal,
      onProgress: (done, total) => {
        if (!announced) emit({ type: 'storing-readings', done: 0, total });
        announced = true;
        emit({ type: 'storing-readings', done, total });
      },
    });
  } catch {
    // Search reads the rows' text meanwhile, as before (the write lock held elsewhere past the busy timeout).
  }
}

async function indexAll(
  options: RunIndexOptions,
  key: DescriptionKey,
  runId: number,
  counts: { indexed: number; unchanged: number; failed: number },
  started: number,
): Promise<IndexSummary> {
  const { store } = options;
  const emit = (event: IndexEvent) => options.onProgress?.(event);
  const discovered = await discoverInputs(options.paths);
  const total = discovered.files.length + discovered.failures.length;
  emit({ type: 'discovered', total });

  const failures: FailureResult[] = [];
  const usage = { inputTokens: 0, outputTokens: 0, costUsd: 0 as number | null };
  const addUsage = (spent: Description['usage']) => {
    if (!spent) return;
    usage.inputTokens += spent.inputTokens ?? 0;
    usage.outputTokens += spent.outputTokens ?? 0;
    if (spent.inputTokens && spent.costUsd === undefined)
      usage.costUsd = null; // tokens without a price: unknown cost
    else if (usage.costUsd !== null) usage.costUsd += spent.costUsd ?? 0;
  };
  // --- issue 15 (fallback chains): which member described each image, and why others were passed over.
  const chain: NonNullable<IndexSummary['chain']> = { answeredBy: {}, passedOver: [] };
  const noteChain = (report: Description['chain']) => {
    if (!report) return;
    chain.answeredBy[report.answeredBy] = (chain.answeredBy[report.answeredBy] ?? 0) + 1;
    // A member cooling down is passed over with its last failure's code: counted under that failure.
    for (const { provider, code, message } of report.passedOver) {
      const same = chain.passedOver.find((entry) => entry.provider === provider && entry.code === code);
      if (same) same.images++;
      else chain.passedOver.push({ provider, code, message, images: 1 });
    }
  };
  // --- end issue 15
  let done = 0;
  const fail = (failure: FailureResult) => {
    failures.push(failure);
    counts.failed++;
    store.recordFailure(failure.path, failure.error.code, failure.error.message, runId);
    emit({ type: 'image', path: failure.path, status: 'failed', done: ++done, total, error: failure.error });
  };
  for (const failure of discovered.failures) fail(failure);

  let fatal: GlimpseError | undefined;
  const queue = [...discovered.files];
  // Images another indexer is describing: looked at again when the rest is done (by then usually described).
  const held: string[] = [];
  const concurrency = Math.max(1, Math.min(64, options.concurrency ?? 4));
  // At most `concurrency` describe calls at once, but twice as many images in flight (`glimpse worker` holds three
  // times as many, its commits being slower round trips to PostgreSQL): reading, hashing, decoding, metadata and commits of the others overlap the provider's work.
  const slots = options.describeTurn ?? turns(concurrency);
  const inFlight = Math.max(1, options.inFlight ?? concurrency * 2);
  // The first describe call goes alone: a refused key or a server that is down then costs one request, not
  // `concurrency`. The other images are read and decoded meanwhile, and ask once it has answered.
  let firstAsked = false;
  let openGate: (failure?: unknown) => void = () => undefined;
  const gate = new Promise<unknown>((resolve) => {
    openGate = resolve;
  });
  const describeTurn = async <T>(describe: () => Promise<T>): Promise<T> => {
    if (!firstAsked) {
      firstAsked = true;
      try {
        const answer = await slots(describe);
        openGate();
        return answer;
      } catch (error) {
        openGate(error);
        throw error;
      }
    }
    const failure = await gate;
    if ((failure !== undefined && isFatal(toGlimpseError(failure).code)) || options.signal?.aborted) throw NOT_ASKED;
    return slots(describe);
  };
  const writes = groupCommit(store);
  const describing: RunImageOptions = {
    ...options,
    describeTurn,
    stats: discovered.stats,
    sidecars: new SidecarFinder(discovered.files),
    writes,
  };

  const worker = async () => {
    while (queue.length > 0 && !fatal && !options.signal?.aborted) {
      const path = queue.shift()!;
      writes.inFlight(1);
      try {
        const outcome = await indexOne(path, describing, key, (spent, report) => {
          addUsage(spent);
          noteChain(report);
        });
        if (outcome === 'held') {
          held.push(path);
          continue;
        }
        counts[outcome === 'moved' ? 'unchanged' : outcome]++;
        // An image indexed had its failure cleared in the transaction that saved it.
        if (outcome !== 'indexed') timed(options.timings, 'store', () => store.clearFailure(path));
        emit({ type: 'image', path, status: outcome, done: ++done, total });
      } catch (error) {
        // The run stops (the first answer was fatal, or it was cancelled): this image was never asked about.
        if (error === NOT_ASKED) return;
        const glimpseError = toGlimpseError(error, path);
        fail({ path, error: glimpseError.toJSON() });
        // A bad key or a server that is down fails every image the same way: stop instead of burning through the folder.
        if (isFatal(glimpseError.code)) fatal = glimpseError;
      } finally {
        writes.inFlight(-1);
      }
    }
  };
  const workers = () =>
    Promise.all(Array.from({ length: Math.min(inFlight, Math.max(1, queue.length)) }, () => worker()));
  await workers();
  while (held.length > 0 && !fatal && !options.signal?.aborted) {
    await new Promise((resolve) => setTimeout(resolve, HELD_POLL_MS));
    queue.push(...held.splice(0));
    await workers();
  }

  // Failures of files this run no longer sees (removed, renamed) under the folders it walked are not worth reporting.
  if (!fatal && !options.signal?.aborted) forgetUnseenFailures(store, discovered, failures);

  let pruned = 0;
  if (options.prune && !fatal) pruned = await prune(store, discovered.folders, discovered.files, emit);

  if (!fatal && !options.signal?.aborted) await fillReadings(store, emit, options.signal);
  if (!fatal && !options.signal?.aborted && counts.indexed + pruned >= COMPACT_AFTER_ROWS) compact(store, emit);

  if (fatal) throw fatal;
  if (options.signal?.aborted)
    throw new GlimpseError('USAGE', 'Indexing was cancelled; what was done is saved', {
      hint: 'Run the same command again to finish.',
    });
  const summary: IndexSummary = {
    runId,
    total,
    ...counts,
    pruned,
    failures,
    ms: Math.round(performance.now() - started),
    usage,
  };
  if (Object.keys(chain.answeredBy).length > 0) summary.chain = chain;
  return summary;
}

/** What `indexImage` needs: `runIndex`'s parts without the list of paths. */
export type IndexImageOptions = Omit<RunIndexOptions, 'paths' | 'concurrency' | 'prune' | 'onProgress'>;

/**
 * One image, the way a queue worker takes it: the same steps and the same incremental rule as `runIndex` (skipped when
 * its content is described already by this provider, model and prompt version), committed before it returns. A URL
 * is downloaded first so that its content hash decides too. 'held': another process is describing the same content
 * right now — ask again shortly. Keeping the claims alive (`store.renewLeases`) and recording failures is the caller's.
 */
export async function indexImage(
  path: string,
  options: IndexImageOptions,
): Promise<{ outcome: Outcome; usage: NonNullable<Description['usage']> }> {
  const { describer } = options;
  const key: DescriptionKey = {
    provider: describer.provider,
    requestedModel: describer.modelId,
    promptVersion: describer.promptVersion,
  };
  const usage = { inputTokens: 0, outputTokens: 0, costUsd: 0 };
  const addUsage = (spent: Description['usage']) => {
    usage.inputTokens += spent?.inputTokens ?? 0;
    usage.outputTokens += spent?.outputTokens ?? 0;
    usage.costUsd += spent?.costUsd ?? 0;
  };
  const downloaded = isUrl(path) ? await readInput(path) : undefined;
  const outcome = await indexOne(path, { ...options, paths: [path] }, key, addUsage, downloaded);
  if (outcome !== 'held' && outcome !== 'indexed') options.store.clearFailure(path);
  return { outcome, usage };
}

async function indexOne(
  path: string,
  options: RunImageOptions,
  key: DescriptionKey,
  addUsage: (usage: Description['usage'], chain?: Description['chain']) => void,
  downloaded?: Buffer,
): Promise<Outcome> {
  const { store, describer, embedder, timings } = options;
  // Discovery's stat, once (an image looked at again, held by another indexer meanwhile, is stat'ed anew).
  const discoveredStat = options.stats?.get(path);
  options.stats?.delete(path);
  const fileInfo = isUrl(path) ? null : (discoveredStat ?? (await timed(timings, 'lookup', () => statInput(path))));
  const known = timed(timings, 'lookup', () => store.imageByPath(path));

  if (!options.force && known && fileInfo && unchangedSinceDescribed(store, key, known, fileInfo)) {
    store.touchImage(known.id);
    await ensureVectors(store, embedder, known.id, () =>
      loadImage(path, { maxSide: describer.preferredImageSize, maxPixels: options.maxPixels }),
    );
    return 'unchanged';
  }

  const bytes = isUrl(path)
    ? downloaded
    : await timed(timings, 'read', () => readLocalFile(path, { stats: fileInfo ?? undefined }));
  const sha256 = bytes ? timed(timings, 'hash', () => createHash('sha256').update(bytes).digest('hex')) : undefined;

  if (!options.force && sha256 && timed(timings, 'lookup', () => store.isDescribed(sha256, key))) {
    // Same content as something already described: a rename, a move or a copy. Keep the description.
    if (known?.sha256 !== sha256) {
      const moved = store.imagesBySha(sha256).find((image) => image.path !== path);
      if (moved && !known && !(await exists(moved.path))) {
        store.moveImage(moved.id, path);
        refreshSearchDocument(store, store.imageById(moved.id)!);
        return 'moved';
      }
      const facts = await quickFacts(bytes!, path);
      const id = store.transaction(() => {
        const id = store.upsertImage({
          path,
          sha256,
          sizeBytes: bytes!.length,
          mtimeMs: fileInfo?.mtimeMs ?? null,
          ...facts,
        });
        refreshSearchDocument(store, store.imageById(id)!);
        store.clearFailure(path);
        return id;
      });
      await ensureVectors(store, embedder, id, () =>
        loadImage(path, { maxSide: describer.preferredImageSize, maxPixels: options.maxPixels }),
      );
      return known ? 'indexed' : 'moved';
    }
    store.transaction(() =>
      store.upsertImage({
        path,
        sha256,
        sizeBytes: bytes!.length,
        mtimeMs: fileInfo?.mtimeMs ?? null,
        ...factsOf(known),
      }),
    );
    return 'unchanged';
  }

  // Claim the content before paying for its description: another indexer describing it now means wait for its
  // answer. Once claimed, it may have been described meanwhile (the claim was just released): then keep that.
  if (sha256) {
    const { writes } = options;
    const claimed = writes
      ? await timed(timings, 'store', () => writes.write(() => store.claim(sha256, LEASE_MS), true))
      : timed(timings, 'store', () => store.claim(sha256, LEASE_MS));
    if (!claimed) return 'held';
    if (!options.force && store.isDescribed(sha256, key)) {
      store.releaseClaim(sha256);
      return indexOne(path, options, key, addUsage, downloaded);
    }
  }
  const claim = { sha256, released: false };
  try {
    return await describeAndSave(path, options, key, addUsage, bytes, claim, fileInfo?.mtimeMs ?? null);
  } finally {
    if (sha256 && !claim.released) timed(timings, 'store', () => store.releaseClaim(sha256));
  }
}

async function describeAndSave(
  path: string,
  options: RunImageOptions,
  key: DescriptionKey,
  addUsage: (usage: Description['usage'], chain?: Description['chain']) => void,
  bytes: Buffer | undefined,
  claim: { sha256: string | undefined; released: boolean },
  mtimeMs: number | null,
): Promise<Outcome> {
  const { store, describer, embedder, timings } = options;
  const { sha256 } = claim;
  // The bytes were read and hashed once already; they are decoded once here.
  const loaded = await timed(timings, 'decode', () =>
    loadImage(bytes ? { bytes, name: path, sha256 } : path, {
      maxSide: describer.preferredImageSize,
      maxPixels: options.maxPixels,
    }),
  );
  const describe = () =>
    timed(timings, 'describe', () => describePrepared(describer, loaded, { task: 'json', signal: options.signal }));
  const { description, ms } = await (options.describeTurn ? options.describeTurn(describe) : describe());
  // The turn is handed on; this image's metadata and commit wait until the other answers that came in at the same
  // time (timers, sockets) have handed on theirs. Otherwise each answer's follow-up work delays the next one's
  // hand-over, and with many calls ending together (concurrency 16) the next round of calls starts spread over
  // tens of milliseconds, every round later than the one before.
  if (options.describeTurn) await new Promise((resolve) => setImmediate(resolve));
  addUsage(description.usage, description.chain);
  const { image } = loaded.prepared;
  // --- issue 14 (metadata): a caption and keywords a person wrote into the file or its sidecar become their own.
  if (!isUrl(path))
    await timed(timings, 'metadata', () =>
      importPersonMetadata(store, path, loaded.sha256, loaded.bytes, options.sidecars),
    );
  // --- end issue 14

  // One transaction per image: description, file row and search row land together or not at all, and with them the
  // claim's release and the clearing of an earlier failure (one commit, not three: a commit is a good part of the
  // store's cost). In a run, it is committed with those of other images that finish at about the same time
  // (group-commit.ts), and the image is done once that commit is. A crash before it loses this image only.
  // (Thumbnails are made when the web app first shows an image: encoding one costs as much as decoding the photo.)
  const save = () => {
    store.saveDescription(loaded.sha256, description, key, ms);
    const id = store.upsertImage({
      path,
      sha256: loaded.sha256,
      sizeBytes: loaded.bytes.length,
      mtimeMs,
      width: image.original.width,
      height: image.original.height,
      format: image.original.format,
      exif: image.exif ?? null,
    });
    // Copies of the same content elsewhere get the new description too.
    for (const copy of store.imagesBySha(loaded.sha256)) refreshSearchDocument(store, copy);
    // A provider's own look-alike vector (the built-in analyzer's): `glimpse similar` without an embedding model.
    if (description.appearance) {
      const { model, vector } = description.appearance;
      store.saveVector(store.embeddingSpace(model, 'image', vector.length), id, Float32Array.from(vector));
    }
    store.clearFailure(path);
    if (sha256) store.releaseClaim(sha256);
    return id;
  };
  const { writes } = options;
  const id = writes
    ? await timed(timings, 'store', () => writes.write(save))
    : timed(timings, 'store', () => store.transaction(save));
  claim.released = true;
  await ensureVectors(store, embedder, id, async () => loaded, options.force);
  return 'indexed';
}

/** Store the embedder's vectors for an image unless they are there already (a new embedder re-embeds, never mixes). */
async function ensureVectors(
  store: Store,
  embedder: Embedder | null,
  imageId: number,
  load: () => Promise<LoadedImage>,
  force = false,
) {
  if (!embedder) return;
  const image = store.imageById(imageId)!;
  const textSpace = store.embeddingSpace(embedder.modelId, 'text', embedder.dimensions);
  if (force || !store.hasVector(textSpace, imageId)) {
    const text = searchDocumentText(store, image);
    if (text) {
      const [vector] = await embedder.embedTexts([text], 'document');
      store.saveVector(textSpace, imageId, vector);
    }
  }
  if (embedder.embedImages) {
    const imageSpace = store.embeddingSpace(embedder.modelId, 'image', embedder.dimensions);
    if (force || !store.hasVector(imageSpace, imageId)) {
      const loaded = await load();
      const [vector] = await embedder.embedImages([loaded.prepared.image]);
      store.saveVector(imageSpace, imageId, vector);
    }
  }
}

/**
 * The fast path of the incremental rule: same size and modification time as when it was indexed, and described with
 * the same provider, model and prompt — so the file need not even be read. (Also used by `--dry-run`.)
 */
export function unchangedSinceDescribed(
  store: Store,
  key: DescriptionKey,
  known: ImageRecord,
  fileInfo: { size: number; mtimeMs: number },
): boolean {
  return (
    known.sizeBytes === fileInfo.size && known.mtimeMs === fileInfo.mtimeMs && store.isDescribed(known.sha256, key)
  );
}

async function quickFacts(bytes: Buffer, path: string) {
  return { ...(await readImageHeader(bytes, path)), exif: await readExif(bytes) };
}

function factsOf(known: ReturnType<Store['imageByPath']>) {
  return {
    width: known?.width ?? 0,
    height: known?.height ?? 0,
    format: known?.format ?? 'unknown',
    exif: known
      ? { takenAt: known.takenAt, camera: known.camera, latitude: known.latitude, longitude: known.longitude }
      : null,
  };
}

function forgetUnseenFailures(
  store: Store,
  discovered: { files: string[]; folders: string[] },
  failures: FailureResult[],
): void {
  if (discovered.folders.length === 0) return;
  const seen = new Set([...discovered.files, ...failures.map((failure) => failure.path)]);
  const under = discovered.folders.map((folder) => (folder.endsWith(sep) ? folder : `${folder}${sep}`));
  for (const failure of store.failures()) {
    if (seen.has(failure.path) || isUrl(failure.path)) continue;
    if (under.some((folder) => failure.path.startsWith(folder))) store.clearFailure(failure.path);
  }
}

/** Forget stored files under the indexed folders that are gone from disk. */
async function prune(
  store: Store,
  folders: string[],
  seen: string[],
  emit: (event: IndexEvent) => void,
): Promise<number> {
  if (folders.length === 0) return 0;
  const seenSet = new Set(seen);
  let pruned = 0;
  for (const image of store.allImages()) {
    if (seenSet.has(image.path) || isUrl(image.path)) continue;
    if (!folders.some((folder) => image.path.startsWith(folder.endsWith('/') ? folder : `${folder}/`))) continue;
    if (await exists(image.path)) continue;
    store.deleteImage(image.id);
    store.clearFailure(image.path);
    emit({ type: 'pruned', path: image.path });
    pruned++;
  }
  // Failures recorded for files that are gone are no longer worth reporting.
  for (const failure of store.failures()) {
    if (
      !isUrl(failure.path) &&
      folders.some((folder) => failure.path.startsWith(`${folder}/`)) &&
      !(await exists(failure.path))
    ) {
      store.clearFailure(failure.path);
    }
  }
  return pruned;
}
