/**
 * `glimpse similar <image>`: indexed images that look like the given one, nearest image embedding first, so
 * near-duplicates lead. The image may be indexed (its stored vector is used) or any file or URL (embedded now with
 * --embedder, e.g. `--embedder local --embedding-model clip`).
 */
import type { Command } from 'commander';
import { addEmbedderOptions, openGlimpse, parsePositive, printJson } from '../context.js';
import { displayPath, pc } from '../output.js';

export function register(program: Command): void {
  addEmbedderOptions(
    program
      .command('similar')
      .description('find indexed images that look like an image (needs image embeddings, e.g. --embedder local)')
      .argument('<image>', 'an indexed image (path or id), or any image file or URL')
      .option('-n, --limit <n>', 'how many results', '10')
      .option('--json', 'print {"query", "results": [...]} as JSON'),
  ).action(async (image: string, options: { limit: string; json?: boolean }, command: Command) => {
    const limit = parsePositive(options.limit, '--limit');
    const glimpse = await openGlimpse(command);
    try {
      const query = /^\d+$/.test(image) ? Number(image) : image;
      const response = await glimpse.similar(query, { limit });
      if (options.json) {
        printJson({
          query: response.query,
          results: response.results.map(({ id, path, score, caption, tags, snippet }) => ({
            path,
            score,
            caption,
            tags,
            snippet,
            id,
          })),
        });
        return;
      }
      if (response.results.length === 0) {
        process.stdout.write(`No other indexed images to compare ${displayPath(image)} with.\n`);
        return;
      }
      response.results.forEach((result, position) => {
        const rank = pc.dim(`${String(position + 1).padStart(2)}.`);
        const note = result.snippet === 'near-duplicate' ? pc.yellow(' near-duplicate') : '';
        process.stdout.write(
          `${rank} ${pc.bold(displayPath(result.path))}  ${pc.dim(`similarity ${result.score}`)}${note}\n`,
        );
        if (result.caption) process.stdout.write(`    ${result.caption}\n`);
      });
      process.stdout.write(pc.dim(`${response.results.length} results in ${response.ms} ms\n`));
    } finally {
      await glimpse.close();
    }
  });
}
