/**
 * Receipts and invoices from the text read in them: the total, the date and the company, found offline with
 * patterns (the keyword rows of a receipt, the shapes dates are printed in, the company suffixes at the top).
 * Values come back as printed ("03 MAR 2018", "RM8.35"); measured against the key fields of the SROIE receipts in
 * ../shared/data/ocr-dev by src/eval/builtin/measure-ocr.ts.
 */
import type { Signals } from '../analysis/signals.js';
import type { Reply } from './ask.js';

export interface ReceiptFields {
  /** The amount paid, as printed (currency kept when printed next to it). */
  total: string | null;
  /** The date of the purchase, as printed. */
  date: string | null;
  company: string | null;
}

const MONTHS = 'JAN|FEB|MAR|APR|MAY|JUN|JUL|AUG|SEP|SEPT|OCT|NOV|DEC';
const DATE_PATTERNS: RegExp[] = [
  // 21/08/2017, 16-03-2018, 09/02/17, 02-03-18, 21.08.2017
  /\b(\d{1,2})\s?([/.-])\s?(\d{1,2})\s?\2\s?(\d{4}|\d{2})(?!\d)/,
  // 2016-07-31, 2016/07/31
  /\b(\d{4})([/.-])(\d{1,2})\2(\d{1,2})\b/,
  // 03 MAR 2018, 3 March 2018, 03-MAR-18, and "03Mar 201818:22" (the year run into the time)
  new RegExp(
    `\\b(\\d{1,2})[\\s-]?(${MONTHS})[A-Z]*[\\s,-]?\\s?(\\d{4}(?=\\d{1,2}:\\d\\d)|\\d{4}(?!\\d)|\\d{2}(?!\\d))`,
    'i',
  ),
  // MAR 03, 2018
  new RegExp(`\\b(${MONTHS})[A-Z]*\\s(\\d{1,2}),?\\s(\\d{4})\\b`, 'i'),
];

/** An amount with two decimals, optionally after a currency: "73.55", "RM 8.35", "$1,234.50". */
const AMOUNT = /(?:(RM|\$|£|€|USD|MYR)\s?)?(\d{1,3}(?:,\d{3})+|\d+)[.,](\d{2})(?![\d%])/gi;

/** Total keywords, the surest first. */
const TOTAL_KEYS: RegExp[] = [
  /\b(grand|nett?|net)\s*total\b/i,
  /\btotal\s*(pay\w*|amount|amt|due|sales?|rm|\(rm\))/i,
  /\b(amount|amt|balance)\s*(due|payable)\b/i,
  /\btotal\s*(incl|inclusive|\(incl|after)/i,
  /\btotal\b/i,
  /\b(amount|amt)\b/i,
];

/** Rows with "total" that hold something else: quantities, tax, subtotals, change. */
const NOT_TOTAL =
  /\b(sub[\s-]?total|total\s*(qty|quantity|items?|excl|exclusive|gst|tax|savings?|discount|disc|\d+%)|qty|quantity|items?|gst|tax|vat|sst|discount|disc|rounding|round|change|tendered|saving|points?|excl)\b/i;

export function receiptFields(lines: readonly string[]): ReceiptFields {
  return { total: findTotal(lines), date: findDate(lines), company: findCompany(lines) };
}

function amountsIn(line: string): { printed: string; value: number }[] {
  return [...line.matchAll(AMOUNT)].map((match) => ({
    printed: `${match[1] ?? ''}${match[2]}.${match[3]}`,
    value: Number(`${match[2].replace(/,/g, '')}.${match[3]}`),
  }));
}

function findTotal(lines: readonly string[]): string | null {
  for (const key of TOTAL_KEYS) {
    const candidates: { printed: string; value: number }[] = [];
    lines.forEach((line, index) => {
      // "Total Incl. GST" is the total; "GST" alone is the tax.
      const label = line.replace(/\(?\b(incl?|inclusive)\b\.?\s*(of\s*)?(gst|tax|sst|vat)?\)?/gi, ' ');
      if (!key.test(line) || NOT_TOTAL.test(label)) return;
      // The amount on the row, else on the next row (totals printed below their label).
      const amounts = amountsIn(line);
      const next = amounts.length > 0 ? amounts : amountsIn(lines[index + 1] ?? '');
      if (next.length > 0) candidates.push(next[next.length - 1]);
    });
    if (candidates.length > 0) return rounded(lines, mostCommonThenLargest(candidates)).printed;
  }
  return null;
}

/** A total rounded to the coin ("Rounding RM 13.60" below "Total RM 13.58") is what was paid. */
function rounded(lines: readonly string[], total: { printed: string; value: number }) {
  for (const line of lines) {
    if (!/\bround(ed|ing)?\b/i.test(line) || /\badj/i.test(line)) continue;
    const amount = amountsIn(line).at(-1);
    if (amount && amount.value !== total.value && Math.abs(amount.value - total.value) <= 0.05) return amount;
  }
  return total;
}

function mostCommonThenLargest(candidates: { printed: string; value: number }[]): { printed: string; value: number } {
  const counts = new Map<number, number>();
  for (const candidate of candidates) counts.set(candidate.value, (counts.get(candidate.value) ?? 0) + 1);
  return [...candidates].sort(
    (a, b) => (counts.get(b.value) ?? 0) - (counts.get(a.value) ?? 0) || b.value - a.value,
  )[0];
}

function findDate(lines: readonly string[]): string | null {
  const found: { printed: string; labelled: boolean; row: number }[] = [];
  lines.forEach((line, row) => {
    for (const pattern of DATE_PATTERNS) {
      const match = line.match(pattern);
      if (match && plausibleDate(match)) {
        found.push({
          printed: match[0].replace(/\s+/g, ' ').trim(),
          labelled: /\bdate|\bdt\b|tarikh/i.test(line),
          row,
        });
        break;
      }
    }
  });
  if (found.length === 0) return null;
  const date = (found.find((candidate) => candidate.labelled) ?? found[0]).printed;
  // As printed, but the spaces the reader dropped or added around the parts put back: "03Mar 2018" → "03 Mar 2018".
  const named = date.match(new RegExp(`^(\\d{1,2})\\s?(${MONTHS}[A-Z]*)\\s?(\\d{2,4})$`, 'i'));
  if (named) return `${named[1]} ${named[2]} ${named[3]}`;
  return date.replace(/\s?([/.-])\s?/g, '$1');
}

function plausibleDate(match: RegExpMatchArray): boolean {
  const numbers = match
    .slice(1)
    .filter((part) => /^\d+$/.test(part))
    .map(Number);
  if (numbers.length === 3 && match[2] && /[/.-]/.test(match[2])) {
    const [a, , b] = [numbers[0], 0, numbers[1]];
    const year = numbers[2];
    if (match[1].length === 4) return numbers[1] >= 1 && numbers[1] <= 12 && numbers[2] >= 1 && numbers[2] <= 31;
    // Day and month in either order (12/28/2017 is American).
    const dayMonth = (a <= 31 && b <= 12) || (a <= 12 && b <= 31);
    return a >= 1 && b >= 1 && dayMonth && (year < 100 || (year >= 1990 && year <= 2100));
  }
  return true;
}

const COMPANY_HINT =
  /\b(sdn\.?\s?bhd\.?|bhd\.?|s\/b|enterprise|restaurant|restoran|trading|shop|pharmacy|store|stores|bookstores?|mart|co\.|company|confectionery|bakeries|inc\.?|ltd\.?|llc|gmbh|cafe|hotel|supermarket)\b/i;
const NOT_COMPANY = /\b(tax invoice|invoice|receipt|copy|welcome|thank|tel|fax|gst|reg|no\.|date|cashier)\b/i;

function findCompany(lines: readonly string[]): string | null {
  const top = lines.slice(0, 8);
  const named = top.find((line) => COMPANY_HINT.test(line) && !/\b(tel|fax|gst id)\b/i.test(line));
  if (named) return named.replace(/\s*\(?\d{5,}[-\s]?[A-Z]?\)?\s*$/, '').trim();
  const first = top.find((line) => !NOT_COMPANY.test(line) && /[A-Za-z]{3,}/.test(line) && !/\d{3,}/.test(line));
  return first?.trim() ?? null;
}

/** The fields of a receipt or invoice in the text read, or null when the text does not look like one. */
export function documentFields(signals: Pick<Signals, 'text'>): ReceiptFields | null {
  const lines = signals.text?.lines ?? [];
  if (lines.length < 3) return null;
  const fields = receiptFields(lines);
  return fields.total || fields.date ? fields : null;
}

/** "What is the total?", "How much was it?", "When was this bought?", "Which shop is it from?". */
export function receiptQuestion(asked: string, signals: Pick<Signals, 'text'>): Reply | null {
  const about = /\b(total|how much|cost|price|paid|pay|amount|spent)\b/.test(asked)
    ? 'total'
    : /\b(when|what date|which date|date|what day)\b/.test(asked)
      ? 'date'
      : /\b(which|what|where)\b.*\b(shop|store|company|restaurant|seller|merchant|vendor)\b|\bwhere\b.*\b(bought|buy|purchased)\b|\bfrom whom\b/.test(
            asked,
          )
        ? 'company'
        : null;
  if (!about) return null;
  const lines = signals.text?.lines ?? [];
  if (lines.length === 0) return null;
  const fields = receiptFields(lines);
  const value = fields[about];
  if (!value) {
    const what = about === 'total' ? 'a total' : about === 'date' ? 'a date' : 'a shop or company name';
    return { answered: false, answer: `I read text in the image but found no ${what} in it.` };
  }
  if (about === 'total') return { answered: true, answer: `The total is ${value}.` };
  if (about === 'date') return { answered: true, answer: `The date on it is ${value}.` };
  return { answered: true, answer: `It is from ${value}.` };
}
