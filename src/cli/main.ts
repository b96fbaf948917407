/**
 * The `glimpse` program: noun-verb commands over the library API. Each command lives in commands/<name>.ts and
 * exports `register(program)`; this file only assembles them and turns errors into exit codes.
 */
import { Command, CommanderError } from 'commander';
import { createRequire } from 'node:module';
import { EXIT, reportError } from './context.js';
import * as ask from './commands/ask.js';
import * as caption from './commands/caption.js';
import * as edit from './commands/edit.js';
import * as index from './commands/index.js';
import * as search from './commands/search.js';
import * as show from './commands/show.js';
import * as status from './commands/status.js';

const { version } = createRequire(import.meta.url)('../../package.json') as { version: string };

/** Commands added by other parts of Glimpse (providers, server, evaluation); each is optional at run time. */
const OPTIONAL_COMMANDS = ['models', 'models-pull', 'config', 'serve', 'eval', 'similar'];

const CORE_COMMANDS = ['caption', 'index', 'search', 'ask', 'show', 'edit', 'status'];

/**
 * @param argv when given, and it runs a core command without --help, the optional commands are not loaded:
 * `glimpse search` should not pay for the web server's or the evaluation's modules.
 */
export async function buildProgram(argv?: string[]): Promise<Command> {
  const program = new Command('glimpse')
    .description('Describe images in natural language and search them by what they show.')
    .version(version)
    .option('--db <path>', 'SQLite database file (env GLIMPSE_DB; default $XDG_DATA_HOME/glimpse/glimpse.db)')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({ writeErr: (text) => process.stderr.write(text) })
    .addHelpText(
      'after',
      `
Examples:
  glimpse index ~/Pictures                 describe and index a folder (incremental; re-run any time)
  glimpse search "dog on a beach"          find images by what they show
  glimpse caption photo.jpg --task alt     alt text for one image, without indexing
  glimpse ask photo.jpg "how many people?"
  glimpse status                           what is indexed, what failed and why

Exit codes: 0 done, 1 usage or fatal error, 2 some inputs failed (the rest were done).`,
    );
  for (const command of [caption, index, search, ask, show, edit, status]) command.register(program);
  const commandName = argv?.slice(2).find((argument) => !argument.startsWith('-'));
  const onlyCore = commandName !== undefined && CORE_COMMANDS.includes(commandName) && !argv!.some((a) => a === '--help' || a === '-h');
  for (const name of onlyCore ? [] : OPTIONAL_COMMANDS) {
    try {
      const module = (await import(`./commands/${name}.js`)) as { register?(program: Command): void };
      module.register?.(program);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ERR_MODULE_NOT_FOUND') throw error;
    }
  }
  return program;
}

export async function run(argv: string[]): Promise<number> {
  const program = await buildProgram(argv);
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : EXIT.ok;
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.exitCode === 0 || error.code === 'commander.helpDisplayed' || error.code === 'commander.version' ? EXIT.ok : EXIT.fatal;
    }
    return reportError(error);
  }
}
