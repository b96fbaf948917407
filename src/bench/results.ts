/** One measured figure, as `npm run bench --json` prints it, and the table people read. */
export interface BenchResult {
  name: string;
  /** null when it could not be measured in this run (see note). For a figure measured several times, the median. */
  value: number | null;
  unit: string;
  note?: string;
  /** Over the repeats the figure was measured in, so a reader can tell noise from change (one run: all equal). */
  min?: number | null;
  median?: number | null;
  max?: number | null;
  runs?: number;
}

const round = (value: number | null) =>
  value === null || !Number.isFinite(value) ? null : Math.round(value * 1000) / 1000;

export function result(name: string, value: number | null, unit: string, note?: string): BenchResult {
  const rounded = round(value);
  const spread = rounded === null ? {} : { min: rounded, median: rounded, max: rounded, runs: 1 };
  return note ? { name, value: rounded, unit, note, ...spread } : { name, value: rounded, unit, ...spread };
}

/** A figure measured once per repeat: its value is the median, with the min and max beside it. */
export function repeated(name: string, values: readonly number[], unit: string, note?: string): BenchResult {
  const finite = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (finite.length === 0) return result(name, null, unit, note);
  const middle = finite.length >> 1;
  const median = finite.length % 2 ? finite[middle] : (finite[middle - 1] + finite[middle]) / 2;
  return {
    ...result(name, median, unit, note),
    min: round(finite[0]),
    median: round(median),
    max: round(finite[finite.length - 1]),
    runs: finite.length,
  };
}

export function formatTable(results: readonly BenchResult[]): string {
  const rows = results.map((entry) => [
    entry.name,
    entry.value === null ? '–' : String(entry.value),
    entry.unit,
    spread(entry),
    entry.note ?? '',
  ]);
  const widths = [0, 1, 2, 3].map((column) => Math.max(...rows.map((row) => row[column].length), 4));
  return rows
    .map((row) =>
      `${row[0].padEnd(widths[0])}  ${row[1].padStart(widths[1])}  ${row[2].padEnd(widths[2])}  ${row[3].padEnd(widths[3])}  ${row[4]}`.trimEnd(),
    )
    .join('\n');
}

/** "min / median / max (n runs)", or "1 run" for a figure measured once. */
function spread(entry: BenchResult): string {
  if (entry.min === undefined || entry.min === null || !entry.runs) return '';
  if (entry.runs === 1) return '1 run';
  return `${entry.min} / ${entry.median} / ${entry.max} (${entry.runs} runs)`;
}
