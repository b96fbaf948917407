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

/** A plain aligned table; the last column may be long and is not padded. */
export function table(rows: string[][], header?: string[]): string {
  const all = header ? [header, ...rows] : rows;
  const widths = all[0]?.map((_, column) => Math.max(...all.map((row) => visibleLength(row[column] ?? '')))) ?? [];
  const line = (row: string[]) =>
    row
      .map((cell, column) =>
        column === row.length - 1 ? cell : cell + ' '.repeat(widths[column] - visibleLength(cell)),
      )
      .join('  ');
  const lines = all.map(line);
  if (header) lines.splice(1, 0, widths.map((width) => '─'.repeat(width)).join('  '));
  return lines.join('\n');
}

function visibleLength(text: string): number {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: ANSI colour codes start with ESC
  return text.replace(/\x1b\[[0-9;]*m/g, '').length;
}

export { pc };
