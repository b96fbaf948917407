/**
 * Evaluation manifests:
 * - caption manifests: JSON lines `{"file", "captions": [...]}` with paths relative to the manifest
 *   (as ../shared/data/coco-dev/manifest.jsonl), or a COCO captions file `{"images": [...], "annotations": [...]}`
 *   (as captions_val2017.json; its `file_name`s are taken relative to the file's folder, or to `imagesDir`);
 * - OCR manifests: JSON lines `{"file", "text"}` (as ../shared/data/ocr-dev/manifest.jsonl);
 * - predictions: JSON lines `{"file", "caption"}` made by any model, to score on the same footing.
 * Bad input fails with the file, the line and what to do.
 */
import { readFileSync } from 'node:fs';
import { basename, dirname, isAbsolute, resolve } from 'node:path';
import { GlimpseError } from '../errors.js';

export interface CaptionEntry {
  /** The file as the manifest names it (the key predictions match on). */
  file: string;
  /** Absolute path of the image. */
  path: string;
  captions: string[];
}

export interface OcrEntry {
  file: string;
  path: string;
  text: string;
  /** e.g. "sroie_receipt"; results are also broken down by it. */
  subset: string | null;
  /** The reference's pieces with their polygons ("lines" or "words" of the manifest), illegible ones left out. */
  regions?: { text: string; polygon: number[] }[];
  /** Fields a reader should pull out (SROIE receipts: company, date, address, total). */
  keyFields?: Record<string, string>;
}

export interface Prediction {
  file: string;
  caption: string;
}

const MANIFEST_HINT =
  'Each line must be a JSON object like {"file": "images/1.jpg", "captions": ["..."]}; see ../shared/data/README.md.';

function readText(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new GlimpseError(
      code === 'ENOENT' ? 'FILE_NOT_FOUND' : code === 'EACCES' ? 'PERMISSION_DENIED' : 'USAGE',
      `Cannot read ${what} ${path}: ${(error as Error).message}`,
      {
        path,
        cause: error,
      },
    );
  }
}

/** Parse JSON lines, skipping blank lines; each record comes with its line number for error messages. */
export function parseJsonLines(
  text: string,
  path: string,
  hint = MANIFEST_HINT,
): { line: number; record: Record<string, unknown> }[] {
  const records: { line: number; record: Record<string, unknown> }[] = [];
  text.split(/\r?\n/).forEach((content, index) => {
    if (!content.trim()) return;
    let record: unknown;
    try {
      record = JSON.parse(content);
    } catch (error) {
      throw new GlimpseError('USAGE', `${path} line ${index + 1} is not valid JSON: ${(error as Error).message}`, {
        path,
        hint,
      });
    }
    if (!record || typeof record !== 'object' || Array.isArray(record)) {
      throw new GlimpseError('USAGE', `${path} line ${index + 1} is not a JSON object`, { path, hint });
    }
    records.push({ line: index + 1, record: record as Record<string, unknown> });
  });
  return records;
}

function requireString(record: Record<string, unknown>, field: string, where: string, hint: string): string {
  const value = record[field];
  if (typeof value !== 'string' || !value.trim()) {
    throw new GlimpseError('USAGE', `${where} has no "${field}" string`, { hint });
  }
  return value;
}

function resolveFrom(base: string, file: string): string {
  return isAbsolute(file) || /^https?:\/\//i.test(file) ? file : resolve(base, file);
}

export function isCocoCaptions(
  value: unknown,
): value is { images: { id: number; file_name: string }[]; annotations: { image_id: number; caption: string }[] } {
  return (
    !!value &&
    typeof value === 'object' &&
    Array.isArray((value as { images?: unknown }).images) &&
    Array.isArray((value as { annotations?: unknown }).annotations)
  );
}

/** Caption manifest (JSON lines) or COCO captions JSON, detected from the content. */
export function loadCaptionManifest(path: string, options: { imagesDir?: string } = {}): CaptionEntry[] {
  const text = readText(path, 'manifest');
  const base = options.imagesDir ? resolve(options.imagesDir) : dirname(resolve(path));
  // One JSON document (a COCO captions file) or JSON lines: try the whole text first.
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch {
    document = undefined;
  }
  if (isCocoCaptions(document)) return cocoEntries(document, base, path);
  const entries = parseJsonLines(text, path).map(({ line, record }) => {
    const where = `${path} line ${line}`;
    const file = requireString(record, 'file', where, MANIFEST_HINT);
    const captions = record.captions;
    if (
      !Array.isArray(captions) ||
      captions.length === 0 ||
      !captions.every((caption) => typeof caption === 'string')
    ) {
      throw new GlimpseError('USAGE', `${where} needs "captions": a non-empty list of strings`, {
        path,
        hint: MANIFEST_HINT,
      });
    }
    return { file, path: resolveFrom(base, file), captions: captions as string[] };
  });
  if (entries.length === 0) throw new GlimpseError('USAGE', `${path} holds no images`, { path, hint: MANIFEST_HINT });
  return entries;
}

function cocoEntries(
  document: { images: { id: number; file_name: string }[]; annotations: { image_id: number; caption: string }[] },
  base: string,
  path: string,
): CaptionEntry[] {
  const captions = new Map<number, string[]>();
  for (const annotation of document.annotations) {
    if (typeof annotation?.caption !== 'string') continue;
    const list = captions.get(annotation.image_id) ?? [];
    list.push(annotation.caption);
    captions.set(annotation.image_id, list);
  }
  const entries: CaptionEntry[] = [];
  for (const image of document.images) {
    const list = captions.get(image.id);
    if (!list || typeof image.file_name !== 'string') continue;
    entries.push({ file: image.file_name, path: resolveFrom(base, image.file_name), captions: list });
  }
  if (entries.length === 0) {
    throw new GlimpseError('USAGE', `${path} is a COCO file without captioned images`, {
      path,
      hint: 'It needs "images" with id and file_name, and "annotations" with image_id and caption.',
    });
  }
  return entries;
}

const OCR_HINT =
  'Each line must be a JSON object like {"file": "receipts/1.jpg", "text": "..."}; see ../shared/data/README.md.';

export function loadOcrManifest(path: string): OcrEntry[] {
  const base = dirname(resolve(path));
  const entries = parseJsonLines(readText(path, 'manifest'), path, OCR_HINT).map(({ line, record }) => {
    const where = `${path} line ${line}`;
    const file = requireString(record, 'file', where, OCR_HINT);
    if (typeof record.text !== 'string')
      throw new GlimpseError('USAGE', `${where} has no "text" string`, { path, hint: OCR_HINT });
    return {
      file,
      path: resolveFrom(base, file),
      text: record.text,
      subset: typeof record.subset === 'string' ? record.subset : null,
      ...ocrRegions(record),
    };
  });
  if (entries.length === 0) throw new GlimpseError('USAGE', `${path} holds no images`, { path, hint: OCR_HINT });
  return entries;
}

/** The optional polygons ("lines", else "words"; ICDAR's illegible "###" left out) and key fields of an OCR entry. */
function ocrRegions(record: Record<string, unknown>): Pick<OcrEntry, 'regions' | 'keyFields'> {
  const found: Pick<OcrEntry, 'regions' | 'keyFields'> = {};
  const pieces = Array.isArray(record.lines) ? record.lines : Array.isArray(record.words) ? record.words : null;
  if (pieces) {
    const regions = pieces.flatMap((piece) => {
      const { text, polygon, illegible } = (piece ?? {}) as { text?: unknown; polygon?: unknown; illegible?: unknown };
      if (typeof text !== 'string' || !Array.isArray(polygon) || polygon.length < 4) return [];
      if (illegible === true || text === '###' || !polygon.every((value) => typeof value === 'number')) return [];
      return [{ text, polygon: polygon as number[] }];
    });
    found.regions = regions;
  }
  const fields = record.key_fields;
  if (fields && typeof fields === 'object' && !Array.isArray(fields)) {
    found.keyFields = Object.fromEntries(
      Object.entries(fields).filter((entry): entry is [string, string] => typeof entry[1] === 'string'),
    );
  }
  return found;
}

const PREDICTIONS_HINT =
  'Each line must be a JSON object like {"file": "images/1.jpg", "caption": "..."}, file as in the manifest.';

export function loadPredictions(path: string): Prediction[] {
  return parseJsonLines(readText(path, 'predictions'), path, PREDICTIONS_HINT).map(({ line, record }) => {
    const where = `${path} line ${line}`;
    const file = requireString(record, 'file', where, PREDICTIONS_HINT);
    const caption = record.caption;
    if (typeof caption !== 'string')
      throw new GlimpseError('USAGE', `${where} has no "caption" string`, { path, hint: PREDICTIONS_HINT });
    return { file, caption };
  });
}

/**
 * Pair predictions with manifest entries: by the manifest's own `file` string, else by absolute path (relative
 * predictions resolved from the predictions file), else by file name when that is unambiguous.
 * Returns the caption per entry (undefined where the predictions have none).
 */
export function matchPredictions(
  entries: readonly CaptionEntry[],
  predictions: readonly Prediction[],
  predictionsPath: string,
): (string | undefined)[] {
  const byFile = new Map<string, string>();
  const byPath = new Map<string, string>();
  const byName = new Map<string, string | null>();
  const base = dirname(resolve(predictionsPath));
  for (const prediction of predictions) {
    byFile.set(prediction.file, prediction.caption);
    byPath.set(resolveFrom(base, prediction.file), prediction.caption);
    const name = basename(prediction.file);
    byName.set(name, byName.has(name) ? null : prediction.caption);
  }
  return entries.map(
    (entry) => byFile.get(entry.file) ?? byPath.get(entry.path) ?? byName.get(basename(entry.file)) ?? undefined,
  );
}
