/**
 * `export`: every image of the library as records for other tools (RAG loaders, spreadsheets), streamed: images
 * are read from the store a batch at a time and written as they are read, so memory stays flat at a million.
 */
import { GlimpseError } from '../errors.js';
import type { EmbeddingSpace, ImageRecord, Store } from '../storage/store.js';
import type { ExportOptions, ExportRecord, ExportSummary } from '../types.js';
import { EXPORT_FORMATS } from './export-formats.js';
import type { Parts } from './parts.js';

/** Bytes gathered before each write: large enough that a million records are a few thousand writes. */
const CHUNK = 64 * 1024;

export async function exportLibrary(parts: Parts, options: ExportOptions = {}): Promise<ExportSummary> {
  const format = options.format ?? 'jsonl';
  const writeFormat = EXPORT_FORMATS[format];
  if (!writeFormat) {
    throw new GlimpseError('USAGE', `unknown export format "${format}"`, {
      hint: `Choose one of: ${Object.keys(EXPORT_FORMATS).join(', ')}.`,
    });
  }
  const sink = options.write ?? ((chunk: string) => void process.stdout.write(chunk));
  let buffered: string[] = [];
  let size = 0;
  const flush = async () => {
    if (size === 0) return;
    const text = buffered.join('');
    buffered = [];
    size = 0;
    await sink(text);
  };
  const output = {
    withEmbeddings: options.withEmbeddings ?? false,
    async write(chunk: string) {
      buffered.push(chunk);
      size += chunk.length;
      if (size >= CHUNK) await flush();
    },
  };
  const records = exportRecords(parts.store, { withEmbeddings: output.withEmbeddings });
  const count = await writeFormat(records, output);
  await flush();
  return { format, records: count };
}

/** Every image as an export record, in id order, one at a time. */
export function* exportRecords(store: Store, options: { withEmbeddings?: boolean } = {}): Generator<ExportRecord> {
  const spaces: EmbeddingSpace[] = options.withEmbeddings ? store.embeddingSpaces() : [];
  for (const image of store.iterateImages()) yield toExportRecord(store, image, spaces, options.withEmbeddings);
}

function toExportRecord(
  store: Store,
  image: ImageRecord,
  spaces: EmbeddingSpace[],
  withEmbeddings = false,
): ExportRecord {
  const description = store.description(image.sha256);
  const edits = store.userEdits(image.sha256);
  const record: ExportRecord = {
    id: image.id,
    path: image.path,
    sha256: image.sha256,
    caption: description?.caption ?? null,
    detailed: description?.detailed ?? null,
    alt: description?.alt ?? null,
    tags: description?.tags ?? [],
    objects: (description?.objects ?? []).map((object) => ({ label: object.label, score: object.score })),
    text: description?.text ?? null,
    provider: description?.provider ?? null,
    model: description?.model ?? null,
    promptVersion: description?.promptVersion ?? null,
    describedAt: description?.describedAt ?? null,
    edits: edits ? { caption: edits.caption, tags: edits.tags, editedAt: edits.editedAt } : null,
    content: contentOf(
      edits?.caption ?? description?.caption ?? null,
      edits?.tags?.length ? edits.tags : (description?.tags ?? []),
      // A person's caption replaces the generated text: a generated detailed description may contradict it.
      edits?.caption ? null : (description?.detailed ?? null),
      description?.text ?? null,
    ),
  };
  if (withEmbeddings) {
    const embeddings: Record<string, number[] | null> = {};
    for (const space of spaces) {
      const key = space.kind === 'text' ? space.model : `${space.model} (${space.kind})`;
      const vector = store.vector(space.id, image.id);
      embeddings[key] = vector ? Array.from(vector) : null;
    }
    record.embeddings = embeddings;
  }
  return record;
}

function contentOf(caption: string | null, tags: string[], detailed: string | null, text: string | null): string {
  const parts = [caption ?? ''];
  if (tags.length) parts.push(`Tags: ${tags.join(', ')}.`);
  if (detailed && detailed !== caption) parts.push(detailed);
  if (text) parts.push(`Text in the image: ${text}`);
  return parts.filter(Boolean).join('\n');
}
