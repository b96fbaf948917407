/**
 * `glimpse caption <image|folder|url>...`: describe images without indexing them.
 */
import type { Command } from 'commander';
import { GlimpseError } from '../../errors.js';
import { TASKS, type Task } from '../../providers/spec.js';
import { addProviderOptions, EXIT, openGlimpse, parsePositive, printJson } from '../context.js';
import { noImagesError } from '../inputs.js';
import { displayPath, failureMessage, pc } from '../output.js';

export function register(program: Command): void {
  addProviderOptions(
    program
      .command('caption')
      .description('describe images, folders or URLs (nothing is stored)')
      .argument('<inputs...>', 'image files, folders or http(s) URLs')
      .option('-t, --task <task>', `what to produce: ${TASKS.join(', ')}`, 'caption')
      .option('--prompt <text>', 'your own instruction instead of the task (vision-language providers)')
      .option('-c, --concurrency <n>', 'images described at once', '2')
      .option('--json', 'one JSON object per image and line'),
  ).action(
    async (
      inputs: string[],
      options: { task: string; prompt?: string; concurrency: string; json?: boolean },
      command: Command,
    ) => {
      if (!(TASKS as readonly string[]).includes(options.task)) {
        throw new GlimpseError('USAGE', `Unknown task "${options.task}"`, { hint: `Use one of: ${TASKS.join(', ')}.` });
      }
      const task = options.task as Task;
      const glimpse = await openGlimpse(command, { db: ':memory:' });
      let failed = 0;
      let seen = 0;
      try {
        for await (const result of glimpse.captionMany(inputs, {
          task,
          prompt: options.prompt,
          concurrency: parsePositive(options.concurrency, '--concurrency'),
        })) {
          seen++;
          if ('error' in result) {
            failed++;
            if (options.json) printJson(result);
            else
              process.stderr.write(
                `${displayPath(result.path)}: ${pc.red('error')} ${failureMessage(result.path, result.error.message)}\n`,
              );
            continue;
          }
          // --task json asks for JSON: print it as JSON, not as "path: {…}".
          if (options.json || (task === 'json' && !options.prompt)) {
            printJson(result);
            continue;
          }
          noteFallback(result);
          const text = pickText(result, task, options.prompt);
          process.stdout.write(`${displayPath(result.path)}: ${text}\n`);
        }
      } finally {
        await glimpse.close();
      }
      // A folder with no images: say so (and which files were passed over) rather than print nothing.
      if (seen === 0) throw await noImagesError(inputs);
      process.exitCode = failed > 0 ? EXIT.partial : EXIT.ok;
    },
  );
}

const fallbacksTold = new Set<string>();

/** With a fallback chain, say once per reason that a member was passed over and which one answered. */
function noteFallback(result: import('../../types.js').CaptionResult): void {
  for (const entry of result.chain?.passedOver ?? []) {
    const key = `${entry.provider} ${entry.code}`;
    if (fallbacksTold.has(key)) continue;
    fallbacksTold.add(key);
    process.stderr.write(
      `${pc.yellow('note')} ${entry.provider} did not answer (${entry.message}); ${result.chain!.answeredBy} answered instead\n`,
    );
  }
}

function pickText(result: import('../../types.js').CaptionResult, task: Task, prompt?: string): string {
  if (prompt && result.answer) return result.answer;
  switch (task) {
    case 'detailed':
      return result.detailed ?? result.caption ?? '(no description)';
    case 'alt':
      return result.alt ?? result.caption ?? '(no alt text)';
    case 'tags':
      return result.tags.join(', ') || '(no tags)';
    case 'ocr':
      return result.text ?? '(no text found)';
    case 'moderation':
      return result.safety
        ? `${result.safety.flagged ? 'FLAGGED: ' : ''}${result.safety.description}`
        : '(no moderation result)';
    default:
      return result.caption ?? '(no caption)';
  }
}
