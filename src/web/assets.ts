/**
 * The browser scripts the pages load, compiled from ./client by the normal `tsc` build and read once at start-up.
 * Fixed names only: no path from a request ever reaches the file system.
 */
import { readFileSync } from 'node:fs';

export const SCRIPTS: Record<string, string> = Object.fromEntries(
  ['app.js', 'format.js'].map((name) => [name, readFileSync(new URL(`./client/${name}`, import.meta.url), 'utf8')]),
);
