/** One measured figure, as `npm run bench --json` prints it, and the table people read. */
export interface BenchResult {
  name: string;
  /** null when it could not be measured in this run (see note). */
  value: number | null;
  unit: string;
  note?: string;
}

export function result(name: string, value: number | null, unit: string, note?: string): BenchResult {
  const rounded = value === null || !Number.isFinite(value) ? null : Math.round(value * 1000) / 1000;
  return note ? { name, value: rounded, unit, note } : { name, value: rounded, unit };
}

export function formatTable(results: readonly BenchResult[]): string {
  const rows = results.map((entry) => [
    entry.name,
    entry.value === null ? '–' : String(entry.value),
    entry.unit,
    entry.note ?? '',
  ]);
  const widths = [0, 1, 2].map((column) => Math.max(...rows.map((row) => row[column].length), 4));
  return rows
    .map((row) =>
      `${row[0].padEnd(widths[0])}  ${row[1].padStart(widths[1])}  ${row[2].padEnd(widths[2])}  ${row[3]}`.trimEnd(),
    )
    .join('\n');
}
