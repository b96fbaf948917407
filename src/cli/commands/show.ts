/**
 * `glimpse show <image-path|id>`: everything stored about one image.
 */
import type { Command } from 'commander';
import type { ImageDetails } from '../../types.js';
import { openGlimpse, printJson } from '../context.js';
import { pc, table } from '../output.js';

export function register(program: Command): void {
  program
    .command('show')
    .description('everything stored about one indexed image')
    .argument('<image>', 'path of an indexed image, or its id')
    .option('--json', 'print as JSON')
    .action(async (image: string, options: { json?: boolean }, command: Command) => {
      const glimpse = await openGlimpse(command);
      try {
        const details = glimpse.show(image);
        if (options.json) printJson(details);
        else process.stdout.write(`${formatDetails(details)}\n`);
      } finally {
        await glimpse.close();
      }
    });
}

export function formatDetails(details: ImageDetails): string {
  const d = details.description;
  const rows: [string, string][] = [
    ['id', String(details.id)],
    ['path', details.path],
    ['caption', details.caption ?? '—'],
    ['detailed', d?.detailed ?? '—'],
    ['alt text', details.userEdits?.caption || (d?.alt ?? '—')],
    ['tags', details.tags.join(', ') || '—'],
    ['objects', d?.objects.map((object) => `${object.label} ${Math.round(object.score * 100)}%`).join(', ') || '—'],
    ['text', d?.text ?? '—'],
    ['safety', d?.safety ? `${d.safety.flagged ? 'FLAGGED — ' : ''}${d.safety.description}` : '—'],
    ['size', `${details.width}×${details.height} ${details.format ?? ''}, ${details.sizeBytes} bytes`],
    ['taken', details.takenAt ?? '—'],
    ['camera', details.camera ?? '—'],
    ['GPS', details.latitude !== null ? `${details.latitude}, ${details.longitude}` : '—'],
    ['sha256', details.sha256],
    [
      'described by',
      d
        ? `${d.provider} / ${d.model} (prompts ${d.promptVersion}) on ${d.describedAt}, ${d.ms} ms`
        : 'not yet described',
    ],
  ];
  if (details.userEdits && (details.userEdits.caption || details.userEdits.tags?.length)) {
    const how = details.userEdits.source ? `from the file's ${details.userEdits.source}` : 'by hand';
    rows.push(['edited', `${how} on ${details.userEdits.editedAt}`]);
  }
  if (details.duplicates.length) rows.push(['same content', details.duplicates.join(', ')]);
  return table(rows.map(([key, value]) => [pc.dim(key), value]));
}
