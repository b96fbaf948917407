/**
 * `glimpse status`: what is in the store, which providers described it, and which files failed and why.
 */
import type { Command } from 'commander';
import { openGlimpse, printJson } from '../context.js';
import { displayPath, pc, table } from '../output.js';

export function register(program: Command): void {
  program
    .command('status')
    .description('counts, providers, and failed files with the reason')
    .option('--json', 'print as JSON')
    .option('--clear-failures', 'forget the failed files listed (they return if a later run fails on them again)')
    .action(async (options: { json?: boolean; clearFailures?: boolean }, command: Command) => {
      const glimpse = await openGlimpse(command);
      try {
        if (options.clearFailures) {
          const cleared = glimpse.clearFailures();
          if (options.json) printJson({ cleared });
          else process.stderr.write(`${cleared} failure${cleared === 1 ? '' : 's'} cleared\n`);
          return;
        }
        const queue = await glimpse.queueStatus();
        const status = queue ? { ...glimpse.status(), queue } : glimpse.status();
        if (options.json) {
          printJson(status);
          return;
        }
        const lines = [
          `${pc.bold('database')}   ${status.db}`,
          `${pc.bold('images')}     ${status.images} (${status.described} described)`,
          `${pc.bold('provider')}   ${status.defaultProvider} (chosen by ${status.providerSource}; used for new descriptions)`,
        ];
        if (status.providers.length) {
          lines.push(
            '',
            table(
              status.providers.map((p) => [p.provider, p.model, p.promptVersion, String(p.images)]),
              ['provider', 'model', 'prompts', 'images'],
            ),
          );
        }
        if (status.queue) {
          const { waiting, active, failed } = status.queue;
          lines.push(
            `${pc.bold('queue')}      ${waiting} waiting, ${active} being described, ${failed > 0 ? pc.red(`${failed} failed`) : '0 failed'}`,
          );
        }
        if (status.ranking === 'stock') {
          lines.push(
            '',
            pc.yellow(
              'search ranks with stock bm25: the native ranking function is off (GLIMPSE_NATIVE_RANKING=0) or was not built.',
            ),
          );
          lines.push(
            '  Same results, slower on large libraries. To build it: install a C compiler (gcc) and run `npm run build`.',
          );
        }
        if (status.embeddings.length) {
          lines.push(
            '',
            `embeddings: ${status.embeddings.map((e) => `${e.model} (${e.kind}, ${e.dimensions} dims)`).join('; ')}`,
          );
        }
        if (status.interrupted.length) {
          const runs = status.interrupted.length === 1 ? 'run' : 'runs';
          lines.push('', pc.yellow(`${status.interrupted.length} interrupted ${runs} (killed before finishing):`));
          for (const run of status.interrupted)
            lines.push(
              `  run ${run.id} started ${run.startedAt}${run.model ? `  ${pc.dim(`${run.provider} ${run.model}`)}` : ''}`,
            );
          lines.push('  What they finished is saved; `glimpse index` again does the rest.');
        }
        if (status.failed.length) {
          lines.push('', pc.red(`${status.failed.length} failed:`));
          for (const failure of status.failed)
            lines.push(`  ${displayPath(failure.path)}  ${pc.dim(failure.code)}\n    ${failure.message}`);
        } else {
          lines.push('', 'No failures.');
        }
        process.stdout.write(`${lines.join('\n')}\n`);
      } finally {
        await glimpse.close();
      }
    });
}
