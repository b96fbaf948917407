/**
 * `glimpse alt PATH...`: images in HTML and Markdown pages whose alt text is missing, empty (and not decorative), a
 * file name or a placeholder, each with suggested alt text; `--write` patches the pages, `--check` fails CI
 * (WCAG 1.1.1) while anything needs fixing.
 */
import type { Command } from 'commander';
import type { AltReport } from '../../types.js';
import { addProviderOptions, EXIT, openGlimpse, parsePositive, printJson } from '../context.js';
import { displayPath, pc } from '../output.js';

interface AltCommandOptions {
  root?: string;
  write?: boolean;
  check?: boolean;
  json?: boolean;
  allowPrivateUrls?: boolean;
  concurrency?: string;
}

export function register(program: Command): void {
  addProviderOptions(
    program
      .command('alt')
      .description('find images without useful alt text in HTML and Markdown pages, suggest it, and --write it')
      .argument('<paths...>', 'HTML or Markdown files, or folders of them')
      .option(
        '--root <folder>',
        'folder that site-root addresses (/img/a.png) resolve against (default: the folder given)',
      )
      .option('--write', 'patch the pages in place: only the alt texts change, every other byte stays')
      .option('--check', 'exit 1 when any image needs alt text (after --write: any it could not fix); for CI')
      .option('--json', 'print the report as JSON')
      .option('--allow-private-urls', 'fetch image URLs on loopback and private addresses (trusted networks only)')
      .option('--concurrency <n>', 'parallel describe calls for images not in the library'),
  )
    .addHelpText(
      'after',
      `
Images already described in the library (--db) are not described again: found by path, then by content.
Decorative images (alt="" with role="presentation", role="none" or aria-hidden="true") are left alone.

Examples:
  glimpse alt site/                       report, per file and line, with suggested alt text
  glimpse alt site/ --check               exit 1 while any image needs alt text (CI)
  glimpse alt docs/ --write               write the suggestions into the pages`,
    )
    .action(async (paths: string[], options: AltCommandOptions, command: Command) => {
      const concurrency = options.concurrency ? parsePositive(options.concurrency, '--concurrency') : undefined;
      const glimpse = await openGlimpse(command);
      let report: AltReport;
      try {
        report = await glimpse.alt(paths, {
          root: options.root,
          write: options.write,
          allowPrivateUrls: options.allowPrivateUrls,
          concurrency,
        });
      } finally {
        await glimpse.close();
      }
      if (options.json) printJson(report);
      else process.stdout.write(formatReport(report, options.write ?? false));
      const unfixed = report.needFixing - report.written;
      if (options.check && unfixed > 0) process.exitCode = EXIT.fatal;
      else if (report.failed > 0) process.exitCode = EXIT.partial;
    });
}

export function formatReport(report: AltReport, write: boolean): string {
  const lines: string[] = [];
  for (const file of report.files) {
    if (file.error) lines.push(`${pc.bold(displayPath(file.file))}: ${pc.red(file.error.message)}`);
    for (const finding of file.findings) {
      const where = `${displayPath(finding.file)}:${finding.line}:${finding.column}`;
      const now = finding.alt === null ? 'no alt' : `alt=${JSON.stringify(finding.alt)}`;
      const then = finding.suggestion
        ? `${finding.written ? pc.green('wrote') : '→'} ${JSON.stringify(finding.suggestion)}${finding.from === 'library' ? pc.dim(' (library)') : ''}`
        : pc.red(finding.error?.message ?? 'no suggestion');
      lines.push(
        `${pc.bold(where)}  ${finding.src || '(no src)'}  ${pc.yellow(finding.problem)} (${now})\n    ${then}`,
      );
    }
  }
  const summary =
    `${report.pages} pages, ${report.images} images (${report.decorative} decorative): ` +
    `${report.needFixing} ${report.needFixing === 1 ? 'needs' : 'need'} alt text` +
    (report.needFixing ? `; ${report.fromLibrary} from the library, ${report.described} described now` : '') +
    (write ? `; ${report.written} written` : '') +
    (report.failed ? `; ${report.failed} failed` : '');
  lines.push(report.needFixing - report.written > 0 ? pc.yellow(summary) : pc.green(summary));
  return `${lines.join('\n')}\n`;
}
