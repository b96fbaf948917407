/**
 * OCR accuracy and speed of the built-in analyzer's text reader (with its text gate and confidence filter) on an
 * OCR set with ground truth (default ../shared/data/ocr-dev): CER and WER, case-insensitive, per subset.
 * Not a test: run `node dist/eval/builtin/measure-ocr.js [manifest.jsonl]`.
 */
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { prepareImage } from '../../images/prepare.js';
import { readInput } from '../../images/read-input.js';
import { TextReader } from '../../providers/builtin/analysis/ocr.js';
import { PREFERRED_IMAGE_SIZE } from '../../providers/builtin/index.js';
import { levenshtein } from '../metrics/edit-distance.js';

interface Entry {
  file: string;
  subset: string;
  text: string;
}

// `###` stands for an illegible word in the ground truth (ICDAR): dropped, not scored as text to read.
const normalise = (text: string) => text.toLowerCase().replace(/###/g, ' ').replace(/\s+/g, ' ').trim();

async function main() {
  const manifest = resolve(process.argv[2] ?? '../shared/data/ocr-dev/manifest.jsonl');
  const entries = readFileSync(manifest, 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Entry);
  const maxSide = Number(process.env.OCR_MAX_SIDE ?? PREFERRED_IMAGE_SIZE);
  const reader = await TextReader.load();
  const totals = new Map<
    string,
    { characterErrors: number; characters: number; wordErrors: number; words: number; images: number }
  >();
  let milliseconds = 0;
  for (const entry of entries) {
    const path = join(dirname(manifest), entry.file);
    const { image } = await prepareImage(await readInput(path), path, { maxSide });
    const pixels = await image.pixels();
    const started = performance.now();
    const read = await reader.read({ data: pixels.data, width: pixels.width, height: pixels.height });
    milliseconds += performance.now() - started;
    const hypothesis = normalise(read?.lines.join(' ') ?? '');
    const reference = normalise(entry.text);
    const total = totals.get(entry.subset) ?? { characterErrors: 0, characters: 0, wordErrors: 0, words: 0, images: 0 };
    total.characterErrors += levenshtein([...hypothesis], [...reference]);
    total.characters += reference.length;
    total.wordErrors += levenshtein(hypothesis ? hypothesis.split(' ') : [], reference.split(' '));
    total.words += reference.split(' ').length;
    total.images++;
    totals.set(entry.subset, total);
  }
  await reader.close();
  for (const [subset, total] of totals) {
    console.log(
      `${subset.padEnd(18)} images ${total.images}  CER ${(total.characterErrors / total.characters).toFixed(3)}  WER ${(total.wordErrors / total.words).toFixed(3)}`,
    );
  }
  console.log(`max side ${maxSide}px, ${(milliseconds / entries.length).toFixed(0)} ms per image (one thread)`);
}

await main();
