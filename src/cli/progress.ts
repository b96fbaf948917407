/**
 * Progress for long runs: a bar on a terminal, plain lines otherwise (logs, CI, pipes), and nothing with --json
 * (scripts read stdout; progress goes to stderr either way).
 */
import { createRequire } from 'node:module';
import type { IndexEvent } from '../types.js';
import { displayPath, failureMessage } from './output.js';

/** cli-progress takes ~10 ms to load: only a bar on a terminal loads it, not every command that imports this file. */
const require = createRequire(import.meta.url);

export interface Progress {
  update(event: IndexEvent): void;
  stop(): void;
}

export function createProgress(options: { quiet?: boolean } = {}): Progress {
  if (options.quiet) return { update() {}, stop() {} };
  if (process.stderr.isTTY) return barProgress();
  return lineProgress();
}

function barProgress(): Progress {
  const cliProgress = require('cli-progress') as typeof import('cli-progress');
  const bar = new cliProgress.SingleBar(
    {
      stream: process.stderr,
      format: ' {bar} {percentage}% | {value}/{total} | {eta_formatted} left | {file}',
      hideCursor: true,
      clearOnComplete: true,
      etaBuffer: 20,
    },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  // The bar owns the line it draws on; failures are listed after it ends.
  const failures: string[] = [];
  return {
    update(event) {
      if (event.type === 'discovered') {
        bar.start(event.total, 0, { file: '' });
        started = true;
      } else if (event.type === 'image' && started) {
        if (event.status === 'failed')
          failures.push(`failed ${displayPath(event.path)}: ${failureMessage(event.path, event.error?.message ?? '')}`);
        bar.update(event.done, { file: displayPath(event.path).slice(-40) });
      } else if (event.type === 'compacting' && started) {
        bar.update({ file: `merging the search index's ${event.segments} segments` });
      } else if (event.type === 'storing-readings' && started) {
        bar.update({ file: `storing search readings (once): ${event.done}/${event.total}` });
      }
    },
    stop() {
      if (started) bar.stop();
      for (const failure of failures) process.stderr.write(`${failure}\n`);
    },
  };
}

function lineProgress(): Progress {
  let lastPrinted = 0;
  return {
    update(event) {
      if (event.type === 'discovered') process.stderr.write(`found ${event.total} images\n`);
      if (event.type === 'compacting') process.stderr.write(`merging the search index's ${event.segments} segments\n`);
      if (event.type === 'storing-readings' && (event.done === 0 || event.done === event.total))
        process.stderr.write(
          event.done === 0
            ? `storing the search readings of ${event.total} rows written by an earlier version (once)\n`
            : `stored the search readings of ${event.total} rows\n`,
        );
      if (event.type !== 'image') return;
      if (event.status === 'failed') {
        process.stderr.write(
          `[${event.done}/${event.total}] failed ${displayPath(event.path)}: ${failureMessage(event.path, event.error?.message ?? '')}\n`,
        );
        lastPrinted = event.done;
        return;
      }
      // Plain lines: one per image for small runs, every 2 % for large ones, so logs stay readable.
      const step = Math.max(1, Math.floor(event.total / 50));
      if (event.done - lastPrinted >= step || event.done === event.total) {
        lastPrinted = event.done;
        process.stderr.write(`[${event.done}/${event.total}] ${event.status} ${displayPath(event.path)}\n`);
      }
    },
    stop() {},
  };
}
