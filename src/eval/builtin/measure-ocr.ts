/**
 * OCR accuracy, speed and memory of the built-in analyzer's text readers on an OCR set with ground truth (default
 * ../shared/data/ocr-dev): CER and WER, case-insensitive, per subset, with the reference in reading order (rows of
 * its polygons; `--stored-order` keeps the manifest's order), and receipt key fields (total, date) found.
 * Not a test: run `node dist/eval/builtin/measure-ocr.js [manifest.jsonl] [--compare] [--pipeline NAME]`.
 *
 * Pipelines: `paddle` (the built-in reader), `paddle-nospace` (no space repair), `paddle-960` (detection at 960 px),
 * `paddle-onelook` (no second, enlarged look at photos with few boxes), `paddle-wholelook` (the second look over the
 * whole image, as before, not only around the boxes found), `paddle-margin2` (its regions twice as wide), `tesseract` (the previous reader: layout
 * gate and confidence filter). `--compare` runs them all, one after another.
 * OCR_MAX_SIDE sets the side images are prepared at (default: the built-in provider's). `--half even|odd` keeps every
 * other image of each subset (the halves tuning and checking were done on: tune on even, check on odd).
 */
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { prepareImage } from '../../images/prepare.js';
import { readInput } from '../../images/read-input.js';
import { type ReadOptions, TextReader } from '../../providers/builtin/analysis/ocr.js';
import { TesseractReader } from '../../providers/builtin/analysis/ocr-tesseract.js';
import type { Pixels, ReadText } from '../../providers/builtin/analysis/signals.js';
import { PREFERRED_IMAGE_SIZE } from '../../providers/builtin/index.js';
import { receiptFields } from '../../providers/builtin/language/receipt.js';
import { characterEdits, type EditCounts, errorRate, wordEdits } from '../metrics/edit-distance.js';
import { textInReadingOrder } from '../metrics/reading-order.js';

interface Entry {
  file: string;
  subset: string;
  text: string;
  lines?: { text: string; polygon: number[] }[];
  words?: { text: string; polygon: number[]; illegible?: boolean }[];
  key_fields?: Record<string, string>;
}

interface Reader {
  read(pixels: Pixels): Promise<ReadText | null>;
  close(): Promise<void>;
}

const PIPELINES: Record<string, () => Promise<Reader>> = {
  paddle: () => withOptions({}),
  'paddle-nospace': () => withOptions({ repairSpaces: false }),
  'paddle-960': () => withOptions({ detectionMaxSide: 960 }),
  'paddle-onelook': () => withOptions({ signLook: false }),
  'paddle-wholelook': () => withOptions({ signLook: 'whole' }),
  'paddle-margin2': () => withOptions({ regionMargin: 2 }),
  tesseract: () => TesseractReader.load(),
};

async function withOptions(options: ReadOptions): Promise<Reader> {
  const reader = await TextReader.load();
  return { read: (pixels) => reader.read(pixels, options), close: () => reader.close() };
}

/** The reference text: reading order from the polygons unless asked for the stored order; `###` dropped. */
function reference(entry: Entry, storedOrder: boolean): string {
  const pieces = entry.lines ?? entry.words?.filter((word) => !word.illegible && word.text !== '###');
  if (storedOrder || !pieces) return entry.text.replace(/###/g, ' ');
  return textInReadingOrder(pieces);
}

const normaliseField = (value: string) => value.toLowerCase().replace(/\s+/g, ' ').trim();
const amount = (value: string) => {
  const match = value.match(/(\d[\d,]*)[.,](\d\d)/);
  return match ? Number(`${match[1].replace(/,/g, '')}.${match[2]}`) : Number.NaN;
};

async function measure(name: string, manifest: string, entries: Entry[], storedOrder: boolean) {
  const maxSide = Number(process.env.OCR_MAX_SIDE ?? PREFERRED_IMAGE_SIZE);
  const reader = await PIPELINES[name]();
  const groups = new Map<string, { characters: EditCounts[]; words: EditCounts[]; ms: number }>();
  const fields = { total: 0, date: 0, company: 0, receipts: 0 };
  let peak = 0;
  for (const entry of entries) {
    const path = join(dirname(manifest), entry.file);
    const { image } = await prepareImage(await readInput(path), path, { maxSide });
    const pixels = await image.pixels();
    const started = performance.now();
    const read = await reader.read({ data: pixels.data, width: pixels.width, height: pixels.height });
    const ms = performance.now() - started;
    peak = Math.max(peak, process.memoryUsage().rss);
    const hypothesis = read?.lines.join('\n') ?? '';
    const truth = reference(entry, storedOrder);
    const group = groups.get(entry.subset) ?? { characters: [], words: [], ms: 0 };
    group.characters.push(characterEdits(hypothesis, truth, { caseInsensitive: true }));
    group.words.push(wordEdits(hypothesis, truth, { caseInsensitive: true }));
    group.ms += ms;
    groups.set(entry.subset, group);
    if (process.env.OCR_VERBOSE) console.log(`--- ${entry.file}\n${hypothesis}\n=== reference\n${truth}`);
    if (entry.key_fields) {
      const found = receiptFields(read?.lines ?? []);
      fields.receipts++;
      // Totals compare as amounts: the annotation sometimes keeps the currency ("RM8.35", "$8.20"), sometimes not.
      if (found.total && amount(found.total) === amount(entry.key_fields.total ?? '')) fields.total++;
      if (found.date && normaliseField(found.date) === normaliseField(entry.key_fields.date ?? '')) fields.date++;
      if (found.company && normaliseField(found.company) === normaliseField(entry.key_fields.company ?? ''))
        fields.company++;
      if (process.env.OCR_VERBOSE) console.log('fields', found, entry.key_fields);
    }
  }
  await reader.close();
  for (const [subset, group] of groups) {
    console.log(
      `${name.padEnd(15)} ${subset.padEnd(16)} images ${String(group.characters.length).padStart(3)}  CER ${errorRate(group.characters).toFixed(3)}  WER ${errorRate(group.words).toFixed(3)}  ${(group.ms / group.characters.length / 1000).toFixed(2)} s/image`,
    );
  }
  if (fields.receipts > 0) {
    const share = (count: number) => (count / fields.receipts).toFixed(2);
    console.log(
      `${name.padEnd(15)} receipt fields   total ${share(fields.total)}  date ${share(fields.date)}  company ${share(fields.company)}  (exact match, ${fields.receipts} receipts)`,
    );
  }
  console.log(`${name.padEnd(15)} peak RSS ${(peak / 2 ** 30).toFixed(2)} GB, images prepared at ${maxSide} px`);
}

async function main() {
  const args = process.argv.slice(2);
  const storedOrder = args.includes('--stored-order');
  const pipelineAt = args.indexOf('--pipeline');
  const chosen = args.includes('--compare')
    ? Object.keys(PIPELINES)
    : [pipelineAt >= 0 ? args[pipelineAt + 1] : 'paddle'];
  const halfAt = args.indexOf('--half');
  const half = halfAt >= 0 ? args[halfAt + 1] : undefined;
  if (half !== undefined && half !== 'even' && half !== 'odd') throw new Error('--half takes even or odd');
  const positional = args.filter(
    (arg, index) => !arg.startsWith('--') && args[index - 1] !== '--pipeline' && args[index - 1] !== '--half',
  );
  const manifest = resolve(positional[0] ?? '../shared/data/ocr-dev/manifest.jsonl');
  const only = process.env.OCR_ONLY;
  const entries = readFileSync(manifest, 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Entry)
    .filter((entry) => !only || entry.subset.includes(only) || entry.file.includes(only))
    .filter((entry, _, all) => {
      if (!half) return true;
      const position = all.filter((other) => other.subset === entry.subset).indexOf(entry);
      return position % 2 === (half === 'even' ? 0 : 1);
    });
  for (const name of chosen) {
    if (!PIPELINES[name]) throw new Error(`no pipeline ${name}: ${Object.keys(PIPELINES).join(', ')}`);
    await measure(name, manifest, entries, storedOrder);
  }
}

await main();
