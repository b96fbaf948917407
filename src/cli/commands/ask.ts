/**
 * `glimpse ask <image> <question>`: answer a question about one image.
 */
import type { Command } from 'commander';
import { addProviderOptions, openGlimpse, printJson } from '../context.js';
import { pc } from '../output.js';

export function register(program: Command): void {
  addProviderOptions(
    program
      .command('ask')
      .description('answer a question about an image (file or URL)')
      .argument('<image>', 'image file or http(s) URL')
      .argument('<question...>', 'the question, e.g. "how many people are there?"')
      .option('--json', 'print the answer as JSON'),
  ).action(async (image: string, question: string[], options: { json?: boolean }, command: Command) => {
    const glimpse = await openGlimpse(command, { db: ':memory:' });
    try {
      const answer = await glimpse.ask(image, question.join(' '));
      if (options.json) printJson(answer);
      else process.stdout.write(`${answer.answered ? answer.answer : pc.yellow(answer.answer)}\n`);
    } finally {
      await glimpse.close();
    }
  });
}
