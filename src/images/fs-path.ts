/**
 * File names that are not valid UTF-8, kept reversibly in a string. Linux file names are bytes; Node decodes them
 * as UTF-8 and turns invalid bytes into U+FFFD, after which the file can never be opened again. Here each byte that
 * is not part of valid UTF-8 becomes one private-use character U+F780–U+F7FF (byte 0x80–0xFF), and so do the bytes
 * of a real U+F780–U+F7FF character, so decoding and encoding are exact inverses. `fsPath` turns such a string
 * back into the bytes the file system knows; plain names stay plain strings.
 */
import { realpath } from 'node:fs/promises';

const ESCAPE_BASE = 0xf700;
const ESCAPED = /[\uf780-\uf7ff]/;

/** A file name (or path) as bytes → a string that `fsPath` turns back into the same bytes. */
export function decodeFsName(bytes: Uint8Array): string {
  let out = '';
  let i = 0;
  while (i < bytes.length) {
    const length = validSequenceLength(bytes, i);
    const codePoint = length > 0 ? decodeSequence(bytes, i, length) : -1;
    if (codePoint >= 0 && !(codePoint >= 0xf780 && codePoint <= 0xf7ff)) {
      out += String.fromCodePoint(codePoint);
      i += length;
    } else {
      // An invalid byte, or a real character from the escape range: escape its bytes one by one.
      const count = Math.max(1, length);
      for (let k = 0; k < count; k++) out += String.fromCharCode(ESCAPE_BASE + bytes[i + k]);
      i += count;
    }
  }
  return out;
}

/** The path to give to node:fs: the string itself, or its bytes when it carries escaped bytes. */
export function fsPath(path: string): string | Buffer {
  if (!ESCAPED.test(path)) return path;
  const parts: Buffer[] = [];
  for (const char of path) {
    const code = char.codePointAt(0)!;
    parts.push(code >= 0xf780 && code <= 0xf7ff ? Buffer.from([code - ESCAPE_BASE]) : Buffer.from(char, 'utf8'));
  }
  return Buffer.concat(parts);
}

/** realpath() that keeps non-UTF-8 names reversible. */
export async function realPath(path: string): Promise<string> {
  return decodeFsName(await realpath(fsPath(path), { encoding: 'buffer' }));
}

function validSequenceLength(bytes: Uint8Array, i: number): number {
  const b0 = bytes[i];
  if (b0 < 0x80) return 1;
  let length: number;
  let low = 0x80;
  let high = 0xbf;
  if (b0 >= 0xc2 && b0 <= 0xdf) length = 2;
  else if (b0 >= 0xe0 && b0 <= 0xef) {
    length = 3;
    if (b0 === 0xe0) low = 0xa0; // no overlong forms
    if (b0 === 0xed) high = 0x9f; // no surrogates
  } else if (b0 >= 0xf0 && b0 <= 0xf4) {
    length = 4;
    if (b0 === 0xf0) low = 0x90;
    if (b0 === 0xf4) high = 0x8f; // nothing above U+10FFFF
  } else return 0;
  if (i + length > bytes.length) return 0;
  for (let k = 1; k < length; k++) {
    const b = bytes[i + k];
    if (b < (k === 1 ? low : 0x80) || b > (k === 1 ? high : 0xbf)) return 0;
  }
  return length;
}

function decodeSequence(bytes: Uint8Array, i: number, length: number): number {
  if (length === 1) return bytes[i];
  let code = bytes[i] & (0xff >> (length + 1));
  for (let k = 1; k < length; k++) code = (code << 6) | (bytes[i + k] & 0x3f);
  return code;
}
