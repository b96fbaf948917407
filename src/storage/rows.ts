/**
 * What both stores do with rows the same way, since their tables have the same columns: an image row to an
 * ImageRecord, description and edit rows to their records, a description to the values of its row, where a path's
 * folder and file name are, and when an unfinished run's process is gone.
 */
import { basename, dirname } from 'node:path';
import type { Description } from '../providers/spec.js';
import { holderIsGone } from './process-identity.js';
import type { DescriptionKey, ImageRecord, InterruptedRun, StoredDescription, UserEdits } from './store.js';

type Row = Record<string, unknown>;

export function folderOf(path: string): string {
  return /^https?:\/\//i.test(path) ? path.replace(/\/[^/]*$/, '') : dirname(path);
}

export function fileNameOf(path: string): string {
  return /^https?:\/\//i.test(path)
    ? decodeURIComponent(
        path
          .replace(/[?#].*$/, '')
          .split('/')
          .pop() ?? path,
      )
    : basename(path);
}

export function rowToImage(row: unknown): ImageRecord | undefined {
  if (!row) return undefined;
  const r = row as Row;
  return {
    // Numbers: PostgreSQL's bigint columns may arrive as strings from other clients.
    id: Number(r.id),
    path: r.path as string,
    folder: r.folder as string,
    fileName: r.file_name as string,
    sha256: r.sha256 as string,
    sizeBytes: Number(r.size_bytes),
    mtimeMs: r.mtime_ms as number | null,
    width: r.width as number | null,
    height: r.height as number | null,
    format: r.format as string | null,
    takenAt: r.taken_at as string | null,
    camera: r.camera as string | null,
    latitude: r.latitude as number | null,
    longitude: r.longitude as number | null,
    addedAt: r.added_at as string,
    seenAt: r.seen_at as string,
  };
}

export function rowToDescription(row: Row): StoredDescription {
  return {
    caption: row.caption as string | null,
    detailed: row.detailed as string | null,
    alt: row.alt as string | null,
    tags: JSON.parse(row.tags as string),
    objects: JSON.parse(row.objects as string),
    text: row.text as string | null,
    safety: row.safety ? JSON.parse(row.safety as string) : null,
    provider: row.provider as string,
    model: row.model as string,
    requestedModel: row.requested_model as string,
    promptVersion: row.prompt_version as string,
    describedAt: row.described_at as string,
    ms: row.ms as number | null,
    inputTokens: row.input_tokens as number | null,
    outputTokens: row.output_tokens as number | null,
    costUsd: row.cost_usd as number | null,
  };
}

export function rowToUserEdits(row: Row): UserEdits {
  return {
    caption: row.caption as string | null,
    tags: row.tags ? JSON.parse(row.tags as string) : null,
    editedAt: row.edited_at as string,
    source: (row.source as string | null | undefined) ?? null,
  };
}

/** The columns of a description row, in the order descriptionValues gives them. */
export const DESCRIPTION_COLUMNS = [
  'sha256',
  'caption',
  'detailed',
  'alt',
  'tags',
  'objects',
  'text',
  'safety',
  'provider',
  'model',
  'requested_model',
  'prompt_version',
  'described_at',
  'ms',
  'input_tokens',
  'output_tokens',
  'cost_usd',
] as const;

export function descriptionValues(
  sha256: string,
  description: Description,
  key: DescriptionKey,
  ms: number,
): unknown[] {
  return [
    sha256,
    description.caption,
    description.detailed,
    description.alt,
    JSON.stringify(description.tags ?? []),
    JSON.stringify(description.objects ?? []),
    description.text,
    description.safety ? JSON.stringify(description.safety) : null,
    key.provider,
    description.model,
    key.requestedModel,
    key.promptVersion,
    new Date().toISOString(),
    Math.round(ms),
    description.usage?.inputTokens ?? null,
    description.usage?.outputTokens ?? null,
    description.usage?.costUsd ?? null,
  ];
}

export interface OpenRunRow {
  id: number;
  startedAt: string;
  provider: string | null;
  model: string | null;
  host: string | null;
  pid: number | null;
  aliveUntil: number | null;
  interruptedAt: string | null;
}

/** The runs of `open` (unfinished, newest first) that were interrupted: marked so, or their process is gone. */
export function interruptedOf(open: readonly OpenRunRow[], limit: number): InterruptedRun[] {
  return open
    .filter((run) => run.interruptedAt || runIsGone(run))
    .slice(0, limit)
    .map(({ id, startedAt, provider, model, interruptedAt }) => ({ id, startedAt, provider, model, interruptedAt }));
}

/** A run's process is gone: it recorded none (an older Glimpse), its lease ran out, or its pid is gone on this host. */
export function runIsGone(run: OpenRunRow): boolean {
  return run.pid === null || (run.aliveUntil ?? 0) < Date.now() || holderIsGone(run);
}
