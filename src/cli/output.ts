/**
 * Terminal output: highlighting matched words, aligned tables, short paths. Colour only on a terminal
 * (picocolors honours NO_COLOR and FORCE_COLOR).
 */
import { fstatSync, writeSync } from 'node:fs';
import { relative } from 'node:path';
import pc from 'picocolors';

/** Turn the «»-marked words of a snippet into bold yellow (or [brackets] without colour). */
export function highlight(snippet: string, colour = pc.isColorSupported): string {
  return snippet.replace(/«([^»]*)»/g, (_, word: string) => (colour ? pc.bold(pc.yellow(word)) : `[${word}]`));
}

/** Paths relative to the working folder when that is shorter. */
export function displayPath(path: string): string {
  if (/^https?:/i.test(path)) return path;
  const relativePath = relative(process.cwd(), path);
  return relativePath && !relativePath.startsWith('../../') && relativePath.length < path.length ? relativePath : path;
}

/** Messages of failures already printed for one file, so that the run's closing error does not repeat them. */
const shownFailures = new Set<string>();

/**
 * A failure line's text: the message without the path it starts with (the line already names the file), and
 * remembered so that `reportError` does not print it a second time when the same error stops the run.
 */
export function failureMessage(path: string, message: string): string {
  shownFailures.add(message.split(' — ')[0]);
  for (const prefix of [path, displayPath(path)])
    if (prefix && message.startsWith(`${prefix}: `)) return message.slice(prefix.length + 2);
  return message;
}

/** Whether this message was already printed as a file's failure. */
export function failureShown(message: string): boolean {
  return shownFailures.has(message);
}

/** How wide the terminal is: `process.stdout.columns`, or 100 when output is not a terminal. */
export function terminalWidth(): number {
  return process.stdout.columns || 100;
}

/**
 * A plain aligned table; the last column may be long and is not padded. The rule under the header fits the terminal
 * (`width`): the last column's part is only as long as the room left, and never shorter than its heading.
 */
export function table(rows: string[][], header?: string[], width = terminalWidth()): string {
  const all = header ? [header, ...rows] : rows;
  const widths = all[0]?.map((_, column) => Math.max(...all.map((row) => visibleLength(row[column] ?? '')))) ?? [];
  const line = (row: string[]) =>
    row
      .map((cell, column) =>
        column === row.length - 1 ? cell : cell + ' '.repeat(widths[column] - visibleLength(cell)),
      )
      .join('  ');
  const lines = all.map(line);
  if (header) {
    const last = widths.length - 1;
    const before = widths.slice(0, last).reduce((sum, columnWidth) => sum + columnWidth + 2, 0);
    const rule = widths.map((columnWidth, column) =>
      column === last
        ? Math.max(visibleLength(header[last] ?? ''), Math.min(columnWidth, width - before))
        : columnWidth,
    );
    lines.splice(1, 0, rule.map((columnWidth) => '─'.repeat(columnWidth)).join('  '));
  }
  return lines.join('\n');
}

function visibleLength(text: string): number {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: ANSI colour codes start with ESC
  return text.replace(/\x1b\[[0-9;]*m/g, '').length;
}

export { pc };

/** Whether a one-shot search writes its output with fs.writeSync (see writeStdoutDirectly). */
let direct = false;

/**
 * Called by bin/glimpse.js for a bundled search: from here on writeOut writes a file or a pipe on standard output
 * with fs.writeSync, as process.stdout writes those (at once, in order), without making process.stdout, whose
 * stream (and, for a pipe, socket) modules Node.js would load for it. A terminal is written as before.
 */
export function writeStdoutDirectly(): void {
  try {
    const kind = fstatSync(1);
    direct = kind.isFIFO() || kind.isFile();
  } catch {
    direct = false;
  }
}

/** `glimpse search x | head`: the reader went away; stop quietly, as other command-line tools do (bin/glimpse.js). */
let quietOnClosedPipe = false;
function stopQuietlyOnClosedPipe(): void {
  if (quietOnClosedPipe) return;
  quietOnClosedPipe = true;
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(0);
    throw error;
  });
}

/** Writes `text` to standard output: process.stdout.write, or at once where writeStdoutDirectly allowed it. */
export function writeOut(text: string): void {
  if (!direct) {
    process.stdout.write(text);
    return;
  }
  const bytes = Buffer.from(text);
  let written = 0;
  try {
    while (written < bytes.length) written += writeSync(1, bytes, written);
    return;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EPIPE') process.exit(0);
    // A pipe that takes no more now (EAGAIN, when it was left non-blocking), or another error: the stream waits
    // for the reader, or reports the error, as it always did.
    direct = false;
  }
  stopQuietlyOnClosedPipe();
  process.stdout.write(bytes.subarray(written));
}
