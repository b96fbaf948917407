/**
 * `--report out.html`: one self-contained page (no scripts, no external files) with the scores as an inline SVG
 * bar chart, the table, and the worst-scored images with thumbnails (small JPEG data URIs), the model's caption
 * and the human references, so a person can see why a model scored as it did.
 */
import sharp from 'sharp';
import { type Evaluation, formatRuns, runName, worstItems, worstReads } from './format.js';

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
const COLOURS = ['#3b6ea8', '#d9822b', '#4f9a5d', '#a0466e', '#7a6bb0', '#6b6b6b'];

/** A small JPEG of the image as a data URI, or null when it cannot be read (the report is written anyway). */
export async function thumbnailDataUri(path: string, size = 160): Promise<string | null> {
  if (/^https?:/i.test(path)) return null;
  try {
    const jpeg = await sharp(path).rotate().resize(size, size, { fit: 'inside' }).jpeg({ quality: 60 }).toBuffer();
    return `data:image/jpeg;base64,${jpeg.toString('base64')}`;
  } catch {
    return null;
  }
}

/** Grouped bars: one group per metric, one bar per run; each metric scaled to its own maximum (at least 1). */
export function barChart(runs: readonly Evaluation[]): string {
  const metrics = [...new Set(runs.flatMap((run) => Object.keys(run.metrics)))];
  const barWidth = 22;
  const groupWidth = Math.max(64, runs.length * barWidth + 24);
  const height = 220;
  const plot = 160;
  const width = Math.max(320, metrics.length * groupWidth + 40);
  const parts: string[] = [];
  metrics.forEach((metric, group) => {
    const values = runs.map((run) => (run.metrics as unknown as Record<string, number>)[metric]);
    const scale = Math.max(1, ...values.filter((value) => Number.isFinite(value)));
    const x0 = 30 + group * groupWidth;
    values.forEach((value, index) => {
      if (!Number.isFinite(value)) return;
      const barHeight = (value / scale) * plot;
      const x = x0 + index * barWidth;
      const y = 20 + plot - barHeight;
      parts.push(
        `<rect x="${x}" y="${y.toFixed(1)}" width="${barWidth - 4}" height="${barHeight.toFixed(1)}" fill="${COLOURS[index % COLOURS.length]}"><title>${escapeHtml(`${runName(runs[index])} ${metric}: ${value.toFixed(3)}`)}</title></rect>`,
      );
      parts.push(
        `<text x="${x + (barWidth - 4) / 2}" y="${(y - 4).toFixed(1)}" font-size="9" text-anchor="middle">${value.toFixed(2)}</text>`,
      );
    });
    parts.push(
      `<text x="${x0 + (runs.length * barWidth) / 2}" y="${20 + plot + 16}" font-size="11" text-anchor="middle">${escapeHtml(metric)}</text>`,
    );
  });
  parts.push(`<line x1="26" y1="${20 + plot}" x2="${width - 10}" y2="${20 + plot}" stroke="#888"/>`);
  const legend = runs
    .map(
      (run, index) =>
        `<rect x="${30 + index * 180}" y="${height - 14}" width="10" height="10" fill="${COLOURS[index % COLOURS.length]}"/><text x="${44 + index * 180}" y="${height - 5}" font-size="11">${escapeHtml(runName(run))}</text>`,
    )
    .join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" role="img" aria-label="scores">${parts.join('')}${legend}</svg>`;
}

async function figure(path: string, caption: string): Promise<string> {
  const uri = await thumbnailDataUri(path);
  return uri ? `<img src="${uri}" alt="${escapeHtml(caption)}">` : `<div class="missing">no image</div>`;
}

async function worstSection(run: Evaluation): Promise<string> {
  const rows: string[] = [];
  if (run.task === 'captions') {
    for (const item of worstItems(run)) {
      rows.push(`<tr><td>${await figure(item.path, item.file)}</td><td><div class="file">${escapeHtml(item.file)}</div>
        <p class="candidate">${escapeHtml(item.caption || '(no caption)')}</p>
        <ul>${item.references.map((reference) => `<li>${escapeHtml(reference)}</li>`).join('')}</ul></td>
        <td class="score">CIDEr-D ${item.scores['CIDEr-D'].toFixed(3)}<br>ROUGE-L ${item.scores['ROUGE-L'].toFixed(3)}</td></tr>`);
    }
  } else if (run.task === 'ocr') {
    for (const item of worstReads(run)) {
      rows.push(`<tr><td>${await figure(item.path, item.file)}</td><td><div class="file">${escapeHtml(item.file)}</div>
        <p class="candidate">${escapeHtml(item.text || '(no text)')}</p><p class="reference">${escapeHtml(item.reference)}</p></td>
        <td class="score">CER ${item.scores.CER.toFixed(3)}<br>WER ${item.scores.WER.toFixed(3)}</td></tr>`);
    }
  } else {
    for (const miss of run.misses) {
      rows.push(`<tr><td></td><td><p class="candidate">query: ${escapeHtml(miss.query)}</p>
        <p>wanted <span class="file">${escapeHtml(miss.file)}</span>, described as: ${escapeHtml(miss.expected ?? '(nothing)')}</p>
        <p>first result <span class="file">${escapeHtml(miss.found?.file ?? '(none)')}</span>: ${escapeHtml(miss.found?.caption ?? '')}</p></td>
        <td class="score">${miss.rank === null ? 'not in top 10' : `rank ${miss.rank}`}</td></tr>`);
    }
  }
  const title = run.task === 'search' ? 'Queries that missed' : 'Worst-scored images';
  return `<h2>${escapeHtml(runName(run))}: ${title}</h2><table class="worst">${rows.join('\n') || '<tr><td>none</td></tr>'}</table>`;
}

export async function renderReport(runs: readonly Evaluation[], about: { manifest?: string } = {}): Promise<string> {
  const sections: string[] = [];
  for (const run of runs) sections.push(await worstSection(run));
  const task = runs[0]?.task ?? 'eval';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Glimpse eval ${escapeHtml(task)}</title>
<style>
body{font:14px/1.4 system-ui,sans-serif;margin:2em;color:#222;max-width:1100px}
pre{background:#f5f5f5;padding:1em;overflow:auto}
table.worst{border-collapse:collapse;width:100%}
table.worst td{border-top:1px solid #ddd;padding:8px;vertical-align:top}
img{max-width:160px;border-radius:4px}
.file{color:#666;font-size:12px}
.candidate{font-weight:600}
.reference{color:#555;white-space:pre-wrap}
.score{white-space:nowrap;text-align:right}
.missing{width:160px;height:100px;background:#eee;color:#999;display:flex;align-items:center;justify-content:center}
</style></head><body>
<h1>Glimpse evaluation: ${escapeHtml(task)}</h1>
<p>${escapeHtml(about.manifest ?? '')} · ${escapeHtml(new Date().toISOString())}</p>
${barChart(runs)}
<pre>${escapeHtml(formatRuns(runs))}</pre>
${sections.join('\n')}
</body></html>
`;
}
