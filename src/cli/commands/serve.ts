import type { Command } from 'commander';
import { GlimpseError } from '../../errors.js';
import { addEmbedderOptions, addProviderOptions, existingFolder, openGlimpse, parsePositive } from '../context.js';

interface ServeFlags {
  host: string;
  port: string;
  token?: string;
  allowIndex?: string[];
  cors?: string[];
  maxUploadMb: string;
  allowPrivateUrls?: boolean;
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

export function register(program: Command): void {
  addEmbedderOptions(
    addProviderOptions(
      program
        .command('serve')
        .description('run the HTTP API (/api/v1) and the web app')
        .option('--host <address>', 'address to listen on; anything but loopback needs --token', '127.0.0.1')
        .option('--port <n>', 'port to listen on (0 picks a free one)', '4173')
        .option('--token <secret>', 'require this token on every request (env GLIMPSE_TOKEN)')
        .option('--allow-index <dir>', 'let the web app and API index folders under this one (repeatable)', collect)
        .option(
          '--cors <origin>',
          'let pages from this origin call the API, e.g. https://cms.example.com (repeatable)',
          collect,
        )
        .option('--max-upload-mb <n>', 'largest image accepted by upload or URL, in MB', '20')
        .option('--allow-private-urls', 'let /describe and /ask fetch URLs on loopback and private networks'),
    ),
  ).action(async (flags: ServeFlags, command: Command) => {
    const { checkBinding, startServer } = await import('../../server/start.js');
    const token = flags.token ?? process.env.GLIMPSE_TOKEN ?? undefined;
    checkBinding(flags.host, token);
    const port = Number(flags.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535)
      throw new GlimpseError('USAGE', `--port must be a whole number from 0 to 65535, not "${flags.port}"`);
    const allowIndex = await Promise.all((flags.allowIndex ?? []).map((dir) => existingFolder(dir, '--allow-index')));
    const glimpse = await openGlimpse(command);
    let server;
    try {
      server = await startServer(glimpse, {
        host: flags.host,
        port,
        token,
        allowIndex,
        cors: flags.cors,
        maxUploadBytes: Math.round(parsePositive(flags.maxUploadMb, '--max-upload-mb') * 1024 * 1024),
        allowPrivateUrls: flags.allowPrivateUrls,
      });
    } catch (error) {
      await glimpse.close();
      throw error;
    }
    const link = token ? `${server.url}/?token=${encodeURIComponent(token)}` : `${server.url}/`;
    process.stdout.write(
      `Glimpse is serving ${glimpse.dbPath}\n  web app: ${link}\n  API:     ${server.url}/api/v1/openapi.json\nPress Ctrl+C to stop.\n`,
    );
    await new Promise<void>((done) => {
      const stop = () => done();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
    await server.close();
    await glimpse.close();
  });
}
