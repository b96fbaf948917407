/** Which command an argument list runs, told before the program is built (main.ts, search-bundle.ts). */

/** The command an argument list runs: its first word that is neither an option nor the value of --db. */
export function commandNamed(argv: readonly string[]): string | undefined {
  const words = argv.slice(2);
  for (let index = 0; index < words.length; index++) {
    if (words[index] === '--db') index++;
    else if (!words[index].startsWith('-')) return words[index];
  }
  return undefined;
}
