/**
 * `glimpse worker --db postgres://…`: take jobs queued by `index --enqueue` (or the server) and describe them, on this
 * machine, with this machine's provider settings. Run as many as there are model servers, on as many machines.
 * SIGTERM or Ctrl-C: finish the images held, then exit; a second one exits at once (the held jobs come back to
 * another worker after the visibility timeout).
 */
import type { Command } from 'commander';
import { GlimpseError } from '../../errors.js';
import type { WorkerEvent } from '../../types.js';
import { addEmbedderOptions, addProviderOptions, EXIT, openGlimpse, parsePositive, printJson } from '../context.js';
import { displayPath, pc } from '../output.js';

export function register(program: Command): void {
  addEmbedderOptions(
    addProviderOptions(
      program
        .command('worker')
        .description('describe images queued by `index --enqueue` (a PostgreSQL library); run one per model server')
        .option('-c, --concurrency <n>', 'describe calls at once (default: 4); up to twice as many images held')
        .option('--exit-when-idle', 'exit once no job is waiting or running for this provider and model')
        .option('--json', 'print one JSON object per event (started, job, idle, warning), then the summary'),
    ),
  ).action(async (options: { concurrency?: string; exitWhenIdle?: boolean; json?: boolean }, command: Command) => {
    const concurrency = options.concurrency ? parsePositive(options.concurrency, '--concurrency') : undefined;
    requirePostgresLibrary(command);
    const glimpse = await openGlimpse(command);
    const stopping = new AbortController();
    const onSignal = () => {
      if (stopping.signal.aborted) process.exit(130);
      if (!options.json) process.stderr.write('finishing the images held, then stopping (again to stop now)\n');
      stopping.abort();
    };
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
    try {
      const summary = await glimpse.work({
        concurrency,
        exitWhenIdle: options.exitWhenIdle,
        signal: stopping.signal,
        onEvent: (event) => (options.json ? printJson(event) : report(event)),
      });
      if (options.json) printJson({ type: 'summary', ...summary });
      else
        process.stderr.write(
          `${summary.indexed} described, ${summary.unchanged} already described, ${summary.failed} failed, ${summary.retried} to retry, in ${(summary.ms / 1000).toFixed(1)} s\n`,
        );
      process.exitCode = EXIT.ok;
    } finally {
      process.off('SIGTERM', onSignal);
      process.off('SIGINT', onSignal);
      await glimpse.close();
    }
  });
}

/** Queueing needs a library in PostgreSQL: said before anything is opened (a SQLite file would be created). */
export function requirePostgresLibrary(command: Command): void {
  const db = command.optsWithGlobals<{ db?: string }>().db ?? process.env.GLIMPSE_DB;
  if (db && /^postgres(ql)?:\/\//i.test(db)) return;
  throw new GlimpseError('USAGE', `Queueing needs a library in PostgreSQL, not ${db ?? 'the default SQLite file'}`, {
    hint: 'Give --db postgres://user@host:5432/name (or GLIMPSE_DB); `glimpse migrate` moves a SQLite library there.',
  });
}

function report(event: WorkerEvent): void {
  switch (event.type) {
    case 'started':
      process.stderr.write(
        `worker: ${event.provider} / ${event.model} (prompts ${event.promptVersion}), queue ${event.queue}: ${event.waiting} waiting\n`,
      );
      return;
    case 'job': {
      const status =
        event.status === 'failed' ? pc.red('failed') : event.status === 'retrying' ? pc.yellow('retry') : event.status;
      const why = event.error ? `  ${pc.dim(`${event.error.code}: ${event.error.message}`)}` : '';
      process.stderr.write(`${status}  ${displayPath(event.path)}  ${Math.round(event.ms)} ms${why}\n`);
      return;
    }
    case 'idle':
      process.stderr.write('worker: no job waiting; waiting for more\n');
      for (const other of event.otherQueues)
        process.stderr.write(
          `  ${other.waiting} jobs wait for ${other.provider} / ${other.model}: start a worker with --provider ${other.provider} --model ${other.model}\n`,
        );
      return;
    case 'warning':
      process.stderr.write(`${pc.yellow('warning')}: ${event.message}\n`);
      return;
  }
}
