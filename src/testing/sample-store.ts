/**
 * A real store for server tests: the repository's sample photos copied into a temp folder, indexed through the
 * recording test provider with a fixed description per file name (what each photo really shows).
 */
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createGlimpse, type Glimpse } from '../glimpse.js';
import type { Description } from '../providers/spec.js';
import { createRecordingProvider, type RecordingProvider } from './recording-provider.js';

export const SAMPLES_DIR = fileURLToPath(new URL('../../samples', import.meta.url));

export const SAMPLE_DESCRIPTIONS: Record<string, Partial<Description>> = {
  'chelsea.png': {
    caption: 'A tabby cat close-up',
    detailed: "A close-up of a tabby cat's face with amber eyes and long white whiskers.",
    alt: 'Close-up of a tabby cat looking at the camera',
    tags: ['cat', 'tabby', 'pet', 'animal'],
    objects: [{ label: 'cat', score: 0.97, box: { x: 0.1, y: 0.05, width: 0.8, height: 0.9 } }],
  },
  'coffee.png': {
    caption: 'A cup of coffee on a saucer',
    alt: 'A cup of coffee seen from above',
    tags: ['coffee', 'cup', 'drink'],
  },
  'rocket.jpg': { caption: 'A rocket on the launch pad', tags: ['rocket', 'launch', 'space'] },
  'astronaut.png': { caption: 'An astronaut in front of a flag', tags: ['astronaut', 'person', 'flag'] },
  'page.png': {
    caption: 'A page of printed text from a book',
    tags: ['text', 'book'],
    text: 'Region-based segmentation',
  },
  'horse.png': { caption: 'A black horse silhouette on white', tags: ['horse', 'silhouette'] },
  'china.jpg': { caption: 'A Chinese temple among trees', tags: ['temple', 'trees'] },
  'flower.jpg': { caption: 'A close-up of a flower', tags: ['flower', 'plant'] },
  'motorcycle_left.png': { caption: 'A motorcycle parked in a room', tags: ['motorcycle', 'vehicle'] },
};

export interface SampleStore {
  dir: string;
  photos: string;
  glimpse: Glimpse;
  provider: RecordingProvider;
  cleanup(): Promise<void>;
}

/** Copy the samples to a temp folder and (unless `index: false`) index them. */
export async function sampleStore(options: { index?: boolean; latencyMs?: number } = {}): Promise<SampleStore> {
  const dir = await mkdtemp(join(tmpdir(), 'glimpse-server-'));
  const photos = join(dir, 'photos');
  await cp(SAMPLES_DIR, photos, { recursive: true, filter: (source) => !source.endsWith('.md') });
  const provider = createRecordingProvider({ answers: SAMPLE_DESCRIPTIONS, latencyMs: options.latencyMs });
  const glimpse = await createGlimpse({ db: join(dir, 'glimpse.db'), provider, embedder: null });
  if (options.index !== false) await glimpse.index([photos]);
  return {
    dir,
    photos,
    glimpse,
    provider,
    async cleanup() {
      await glimpse.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
