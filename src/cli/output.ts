/**
 * Terminal output: highlighting matched words, aligned tables, short paths. Colour only on a terminal
 * (picocolors honours NO_COLOR and FORCE_COLOR).
 */
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
