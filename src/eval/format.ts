/**
 * How evaluations are shown: one table with a column per run (so `--compare` reads side by side), and the JSON
 * shape scripts read (`{"metrics": {...}, "n": ..., ...}`, per-image detail trimmed to the worst few).
 */
import type { CaptionEvaluation } from './captions.js';
import type { OcrEvaluation } from './ocr.js';
import type { SearchEvaluation } from './search.js';

export type Evaluation = CaptionEvaluation | SearchEvaluation | OcrEvaluation;

/** How many of the worst-scored images or queries JSON output and reports keep. */
export const WORST_SHOWN = 10;

export function runName(run: Evaluation): string {
  if (run.task === 'search' && run.mode === 'oracle') return 'oracle (human captions)';
  if (run.task === 'captions' && run.provider === 'predictions') return run.model ?? 'predictions';
  return run.model && run.model !== run.provider ? `${run.provider}:${run.model}` : (run.provider ?? '');
}

export function metricNames(run: Evaluation): string[] {
  return Object.keys(run.metrics);
}

/** The worst-scored items of a run, worst first. */
export function worstItems(run: CaptionEvaluation, count = WORST_SHOWN) {
  return [...run.items].sort((a, b) => a.scores['CIDEr-D'] - b.scores['CIDEr-D']).slice(0, count);
}

export function worstReads(run: OcrEvaluation, count = WORST_SHOWN) {
  return [...run.items].sort((a, b) => b.scores.CER - a.scores.CER).slice(0, count);
}

export function toJson(run: Evaluation): Record<string, unknown> {
  const { metrics, n, ...rest } = run;
  const json: Record<string, unknown> = { metrics, n, ...rest };
  if (run.task === 'captions' || run.task === 'ocr') {
    // Per-image detail can be thousands of lines; scripts get the worst few (the report shows them too).
    delete json.items;
    json.worst = run.task === 'captions' ? worstItems(run) : worstReads(run);
  }
  return json;
}

const number = (value: number | null | undefined, digits = 3) =>
  value === null || value === undefined || Number.isNaN(value) ? '–' : value.toFixed(digits);

/** A plain-text table: metrics as rows, runs as columns. */
export function formatRuns(runs: readonly Evaluation[]): string {
  const names = [...new Set(runs.flatMap(metricNames))];
  const rows: string[][] = names.map((name) => [
    name,
    ...runs.map((run) => number((run.metrics as unknown as Record<string, number>)[name])),
  ]);
  rows.push(['n', ...runs.map((run) => String(run.n))]);
  const extra = (label: string, value: (run: Evaluation) => string | null) => {
    const values = runs.map(value);
    if (values.some((entry) => entry !== null)) rows.push([label, ...values.map((entry) => entry ?? '–')]);
  };
  extra('images', (run) => (run.task === 'search' ? String(run.images) : null));
  extra('latency median ms', (run) => ('latency' in run && run.latency ? number(run.latency.medianMs, 1) : null));
  extra('latency p95 ms', (run) => ('latency' in run && run.latency ? number(run.latency.p95Ms, 1) : null));
  extra('index s', (run) => (run.task === 'search' ? number(run.indexMs / 1000, 1) : null));
  extra('tokens in/out', (run) =>
    run.task === 'captions' && run.usage ? `${run.usage.inputTokens}/${run.usage.outputTokens}` : null,
  );
  extra('cost USD', (run) =>
    run.task === 'captions' && run.usage?.costUsd != null ? number(run.usage.costUsd, 4) : null,
  );
  extra('failed', (run) => {
    const failed = run.task === 'search' ? run.failedImages.length : run.failed.length;
    return failed > 0 ? String(failed) : null;
  });
  return alignedTable(['', ...runs.map(runName)], rows);
}

/** Rows under a header, the first column left-aligned and the others right-aligned, with a rule under the header. */
export function alignedTable(header: string[], rows: string[][]): string {
  const all = [header, ...rows];
  const widths = header.map((_, column) => Math.max(...all.map((row) => row[column].length)));
  const line = (row: string[]) =>
    row.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]) : cell.padStart(widths[column]))).join('  ');
  return [line(header), widths.map((width) => '─'.repeat(width)).join('  '), ...rows.map(line)].join('\n');
}

/** Subset breakdown and first failures, printed under the table. */
export function formatNotes(runs: readonly Evaluation[]): string {
  const lines: string[] = [];
  for (const run of runs) {
    if (run.task === 'ocr') {
      for (const [subset, rates] of Object.entries(run.subsets)) {
        lines.push(`${runName(run)} ${subset}: CER ${number(rates.CER)}  WER ${number(rates.WER)}  (n=${rates.n})`);
      }
    }
    const failed = run.task === 'search' ? run.failedImages : run.failed;
    for (const failure of failed.slice(0, 5))
      lines.push(`${runName(run)} failed ${failure.file}: ${failure.error.message}`);
    if (failed.length > 5) lines.push(`${runName(run)}: ${failed.length - 5} more failures`);
  }
  return lines.join('\n');
}
