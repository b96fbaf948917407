/**
 * The JavaScript metadata reader (metadata/embedded.ts) against ExifTool, field by field, on every file of the given
 * folders (default: ../shared/samples and ../shared/data/coco-dev/images): the fields a person's caption and
 * keywords are imported from, plus XMP dc:title and IPTC ObjectName, and the caption and tags import makes of them.
 * A file the JavaScript reader leaves to ExifTool counts apart (the import reads it with ExifTool, as before).
 *
 *   node dist/bench/metadata-equivalence.js [folder…]      exit code 1 when a field differs
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EMBEDDED_TAG_NAMES, readEmbeddedTags, readSidecarTags } from '../metadata/embedded.js';
import { closeMetadataTool, metadataTool } from '../metadata/exiftool.js';
import { personFields, READ_ARGS } from '../metadata/read.js';

const FIELDS = EMBEDDED_TAG_NAMES;

const SHARED = fileURLToPath(new URL('../../../shared/', import.meta.url));
const folders =
  process.argv.slice(2).length > 0
    ? process.argv.slice(2)
    : [join(SHARED, 'samples'), join(SHARED, 'data/coco-dev/images')];

/** ExifTool's JSON turns numeric-looking text into numbers; both sides compared as text. */
function shown(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  return JSON.stringify(Array.isArray(value) ? value.map(String) : String(value));
}

const files = folders.flatMap((folder) =>
  readdirSync(folder)
    .map((name) => join(folder, name))
    .filter((path) => statSync(path).isFile() && !/\.(md|txt|json|jsonl)$/i.test(path))
    .sort(),
);
const tool = await metadataTool();
const perField = Object.fromEntries(FIELDS.map((field) => [field, { present: 0, same: 0 }]));
let readHere = 0;
let leftToExifTool = 0;
let importSame = 0;
let importDiffers = 0;
const differences: string[] = [];
for (const path of files) {
  const bytes = readFileSync(path);
  const ours = path.endsWith('.xmp') ? readSidecarTags(bytes) : readEmbeddedTags(bytes);
  let theirs: Record<string, unknown>;
  try {
    theirs = (await tool.readRaw(path, { readArgs: [...READ_ARGS, '-XMP-dc:Title', '-IPTC:ObjectName'] })) as Record<
      string,
      unknown
    >;
  } catch (error) {
    theirs = {};
    if (ours && Object.keys(ours).length > 0) differences.push(`${path}: ExifTool failed (${error}), we read tags`);
  }
  if (!ours) {
    leftToExifTool++;
    continue;
  }
  readHere++;
  for (const field of FIELDS) {
    const [a, b] = [shown(ours[field]), shown(theirs[field])];
    if (a === undefined && b === undefined) continue;
    perField[field].present++;
    if (a === b) perField[field].same++;
    else differences.push(`${path} ${field}: ExifTool ${b?.slice(0, 120)} · JavaScript ${a?.slice(0, 120)}`);
  }
  const sameImport = JSON.stringify(personFields(ours)) === JSON.stringify(personFields(theirs));
  if (sameImport) importSame++;
  else importDiffers++;
}
await closeMetadataTool();

const out = (line: string) => process.stdout.write(`${line}\n`);
out(`${files.length} files in ${folders.join(', ')}`);
out(`read in JavaScript: ${readHere}; left to ExifTool (not JPEG/XMP, or not understood): ${leftToExifTool}`);
out('field                      files with it   same as ExifTool');
for (const field of FIELDS) {
  const { present, same } = perField[field];
  out(`${field.padEnd(26)} ${String(present).padStart(13)}   ${String(same).padStart(16)}`);
}
out(`caption and tags imported: same ${importSame}, different ${importDiffers}`);
for (const line of differences) out(`DIFFERENT ${line}`);
process.exitCode = differences.length > 0 || importDiffers > 0 ? 1 : 0;
