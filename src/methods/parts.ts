/**
 * The parts a Glimpse is assembled from (see glimpse.ts). Each method takes this object and uses what it needs, so
 * a verb can be read, tested and changed in its own file without knowing how the parts were made.
 */
import { GlimpseError } from '../errors.js';
import type { Embedder, ImageDescriber } from '../providers/spec.js';
import type { JobQueue } from '../queue/job-queue.js';
import type { SearchIndex } from '../search/search-index.js';
import type { Store } from '../storage/store.js';

export interface Parts {
  store: Store;
  searchIndex: SearchIndex;
  /** The describer, created on first use (loading a model or an HTTP client only when a verb needs one). */
  describer(): Promise<ImageDescriber>;
  /**
   * A describer made only to be named (provider, model, prompt version) by `index --dry-run`: it is never called,
   * so a missing API key does not stop it. Absent when the describer was given as an object.
   */
  describerToName?(): Promise<ImageDescriber>;
  /** The embedder for hybrid search, created on first use; null when none is configured. */
  embedder(): Promise<Embedder | null>;
  /** The job queue, opened on first use: present when the library is in PostgreSQL (the queue lives beside it). */
  queue?(): Promise<JobQueue>;
  settings: {
    /** Where the library lives, as the user gave it (a file path, or ':memory:'). */
    location: string;
    /** The provider name, or the name of the describer object given. */
    providerName: string;
    /** Why that provider: "--provider", "GLIMPSE_PROVIDER", "config file", "default"… */
    providerSource: string;
    /** False when the embedder was turned off explicitly (`embedder: null`). */
    embedderAllowed: boolean;
    concurrency?: number;
    maxPixels?: number;
  };
}

/** The describer, or when it cannot be made without an API key, one that is only named: no model is called. */
export async function describerToName(parts: Parts): Promise<ImageDescriber> {
  try {
    return await parts.describer();
  } catch (error) {
    if (parts.describerToName && error instanceof GlimpseError && error.code === 'PROVIDER_AUTH')
      return parts.describerToName();
    throw error;
  }
}

/** The job queue, or a usage error saying that queueing needs a PostgreSQL library. */
export async function requireQueue(parts: Parts): Promise<JobQueue> {
  if (!parts.queue)
    throw new GlimpseError('USAGE', `Queueing needs a library in PostgreSQL, not ${parts.settings.location}`, {
      hint: 'Give --db postgres://user@host:5432/name (or GLIMPSE_DB); `glimpse migrate` moves a SQLite library there.',
    });
  return parts.queue();
}

const partsByOwner = new WeakMap<object, Parts>();

/** Called by createGlimpse: remember which parts a Glimpse was made of. */
export function rememberParts<T extends object>(owner: T, parts: Parts): T {
  partsByOwner.set(owner, parts);
  return owner;
}

/**
 * The parts behind a Glimpse, for Glimpse's own benchmarks and tests that must reach the store (building a
 * synthetic library of a million images, say). Not part of the public API: src/index.ts does not export it.
 */
export function glimpseParts(glimpse: object): Parts {
  const parts = partsByOwner.get(glimpse);
  if (!parts) throw new TypeError('not a Glimpse made by createGlimpse()');
  return parts;
}
