/**
 * The export formats, one function each: it receives the records one at a time (streamed from the store) and
 * writes text through `write`. A new format is a function and a line in EXPORT_FORMATS.
 */
import type { ExportRecord } from '../types.js';

export interface ExportContext {
  /** Write text to the output (buffered; awaiting it applies back-pressure). */
  write(chunk: string): Promise<void>;
  withEmbeddings: boolean;
}

/** Writes every record; returns how many it wrote. */
export type ExportFormat = (records: Iterable<ExportRecord>, output: ExportContext) => Promise<number>;

export const EXPORT_FORMATS: Record<string, ExportFormat> = {
  jsonl: exportJsonl,
  csv: exportCsv,
};

/** JSON Lines: one record per line, UTF-8, "\n" between records. */
async function exportJsonl(records: Iterable<ExportRecord>, output: ExportContext): Promise<number> {
  let count = 0;
  for (const record of records) {
    await output.write(`${JSON.stringify(record)}\n`);
    count++;
  }
  return count;
}

/**
 * CSV (RFC 4180): a header row, CRLF line ends, fields quoted when they hold a comma, quote or line break. Lists
 * (tags) are joined with "; ", objects and vectors are JSON in their cell, the person's edits are three columns.
 */
async function exportCsv(records: Iterable<ExportRecord>, output: ExportContext): Promise<number> {
  const columns = [
    'id',
    'path',
    'sha256',
    'caption',
    'detailed',
    'alt',
    'tags',
    'objects',
    'text',
    'provider',
    'model',
    'prompt_version',
    'described_at',
    'edited_caption',
    'edited_tags',
    'edited_at',
    'content',
  ];
  let count = 0;
  let spaces: string[] | null = null;
  for (const record of records) {
    if (spaces === null) {
      // Vector columns are named by model, from the first record (every record carries every space's key).
      spaces = output.withEmbeddings ? Object.keys(record.embeddings ?? {}) : [];
      await output.write(`${[...columns, ...spaces.map((model) => `embedding:${model}`)].map(csvField).join(',')}\r\n`);
    }
    const cells = [
      record.id,
      record.path,
      record.sha256,
      record.caption,
      record.detailed,
      record.alt,
      record.tags.join('; '),
      record.objects.length ? JSON.stringify(record.objects) : '',
      record.text,
      record.provider,
      record.model,
      record.promptVersion,
      record.describedAt,
      record.edits?.caption ?? null,
      record.edits?.tags ? record.edits.tags.join('; ') : null,
      record.edits?.editedAt ?? null,
      record.content,
      ...spaces.map((model) => (record.embeddings?.[model] ? JSON.stringify(record.embeddings[model]) : null)),
    ];
    await output.write(`${cells.map(csvField).join(',')}\r\n`);
    count++;
  }
  if (spaces === null) await output.write(`${columns.join(',')}\r\n`);
  return count;
}

function csvField(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '';
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
