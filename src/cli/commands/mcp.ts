import { createRequire } from 'node:module';
import type { Command } from 'commander';
import { addEmbedderOptions, addProviderOptions, existingFolder, openGlimpse } from '../context.js';

const collect = (value: string, previous: string[] = []) => [...previous, value];

interface McpFlags {
  allowRead?: string[];
  allowIndex?: string[];
  allowPrivateUrls?: boolean;
}

export function register(program: Command): void {
  addEmbedderOptions(
    addProviderOptions(
      program
        .command('mcp')
        .description('run a Model Context Protocol server on stdin/stdout (tools: search, describe, ask, get, index)')
        .option(
          '--allow-read <dir>',
          'folders whose images describe_image/ask_image may read (repeatable; default: the current folder)',
          collect,
        )
        .option('--allow-index <dir>', 'folders index_folder may index (repeatable; default: none)', collect)
        .option('--allow-private-urls', 'let describe_image and ask_image fetch URLs on loopback and private networks')
        .addHelpText(
          'after',
          `
Client configuration (e.g. Claude Desktop's claude_desktop_config.json):
  { "mcpServers": { "glimpse": { "command": "glimpse", "args": ["mcp", "--allow-index", "/home/me/Pictures"] } } }`,
        ),
    ),
  ).action(async (flags: McpFlags, command: Command) => {
    const readRoots = await Promise.all(
      (flags.allowRead ?? [process.cwd()]).map((dir) => existingFolder(dir, '--allow-read')),
    );
    const allowIndex = await Promise.all((flags.allowIndex ?? []).map((dir) => existingFolder(dir, '--allow-index')));
    const { createMcpServer } = await import('../../mcp/server.js');
    const { StdioServerTransport } = await import('@modelcontextprotocol/sdk/server/stdio.js');
    const { version } = createRequire(import.meta.url)('../../../package.json') as { version: string };
    const glimpse = await openGlimpse(command);
    const server = createMcpServer(glimpse, {
      readRoots,
      allowIndex,
      allowPrivateUrls: flags.allowPrivateUrls,
      version,
    });
    // stdout carries the protocol: a stray console.log from a dependency would corrupt it, so it goes to stderr.
    console.log = (...args: unknown[]) => console.error(...args);
    const transport = new StdioServerTransport();
    const closed = new Promise<void>((done) => {
      transport.onclose = () => done();
      process.stdin.once('end', () => done());
      process.once('SIGINT', () => done());
      process.once('SIGTERM', () => done());
    });
    await server.connect(transport);
    process.stderr.write(`glimpse mcp: serving ${glimpse.dbPath} on stdio\n`);
    await closed;
    await server.close().catch(() => undefined);
    await glimpse.close();
  });
}
