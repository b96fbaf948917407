/**
 * The `glimpse` program: noun-verb commands over the library API. Each command is a module under commands/ that
 * exports `register(program)`; this file lists them in one table, assembles them and turns errors into exit codes.
 */

import { createRequire } from 'node:module';
import type { Command as CommandType } from 'commander';
import { GlimpseError } from '../errors.js';
import { commandNamed } from './command-name.js';
import { EXIT, reportError } from './context.js';

const require = createRequire(import.meta.url);
const { version } = require('../../package.json') as { version: string };
// Required, not imported: commander is CommonJS, and importing it goes through the ES module loader's wrapper and
// export scan, a few milliseconds of every one-shot command.
const { Command, CommanderError } = require('commander') as typeof import('commander');
type Command = CommandType;

export interface CommandModule {
  register(program: Command): void | Promise<void>;
}

export interface CommandEntry {
  /** The command it adds, for the error that names it when its module fails to load. */
  name: string;
  /**
   * Core commands register only themselves and are run one-shot (`glimpse search`, caption, index…): running one
   * loads only its own module, so it does not pay for the others', the web server's or the evaluation's; help and
   * every other command load all.
   */
  core: boolean;
  load(): Promise<CommandModule>;
}

/** Every command, in the order `glimpse --help` lists them. Modules load only when the program is built. */
export const COMMANDS: readonly CommandEntry[] = [
  { name: 'caption', core: true, load: () => import('./commands/caption.js') },
  { name: 'index', core: true, load: () => import('./commands/index-images.js') },
  { name: 'search', core: true, load: () => import('./commands/search.js') },
  { name: 'ask', core: true, load: () => import('./commands/ask.js') },
  { name: 'show', core: true, load: () => import('./commands/show.js') },
  { name: 'edit', core: true, load: () => import('./commands/edit.js') },
  { name: 'status', core: true, load: () => import('./commands/status.js') },
  { name: 'worker', core: false, load: () => import('./commands/worker.js') },
  { name: 'models', core: false, load: () => import('./commands/models.js') },
  // Providers bring their own commands (`glimpse models pull` belongs to `local`), from their manifests.
  {
    name: 'provider commands',
    core: false,
    load: async () => ({ register: (await import('../providers/registry.js')).registerProviderCommands }),
  },
  { name: 'config', core: false, load: () => import('./commands/config.js') },
  { name: 'serve', core: false, load: () => import('./commands/serve.js') },
  { name: 'eval', core: false, load: () => import('./commands/eval.js') },
  { name: 'similar', core: false, load: () => import('./commands/similar.js') },
  { name: 'metadata', core: false, load: () => import('./commands/metadata.js') },
  { name: 'mcp', core: false, load: () => import('./commands/mcp.js') },
  { name: 'alt', core: false, load: () => import('./commands/alt.js') },
  { name: 'export', core: false, load: () => import('./commands/export.js') },
  { name: 'migrate', core: false, load: () => import('./commands/migrate.js') },
];

/**
 * @param argv when given, and it runs a core command without --help, only that command's module is loaded.
 * @param commands the command table; tests pass their own.
 */
export async function buildProgram(argv?: string[], commands: readonly CommandEntry[] = COMMANDS): Promise<Command> {
  const program = new Command('glimpse')
    .description('Describe images in natural language and search them by what they show.')
    .version(version)
    .option(
      '--db <path>',
      'SQLite database file or postgres://user@host:port/name URL (env GLIMPSE_DB; default $XDG_DATA_HOME/glimpse/glimpse.db)',
    )
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
  const commandName = argv ? commandNamed(argv) : undefined;
  const oneShot = commands.find((entry) => entry.core && entry.name === commandName);
  const help = argv?.some((argument) => argument === '--help' || argument === '-h');
  // A core command run on its own loads its module alone: `glimpse search` does not pay for `index`'s image
  // pipeline or `caption`'s inputs. Help, and every other command (providers add subcommands to them), load all.
  const wanted = oneShot && !help ? [oneShot] : commands;
  // Loaded together so start-up waits for the slowest module, not for their sum; registered in table order.
  const modules = await Promise.allSettled(wanted.map((entry) => entry.load()));
  for (const [position, entry] of wanted.entries()) {
    const loaded = modules[position]!;
    try {
      if (loaded.status === 'rejected') throw loaded.reason;
      if (typeof loaded.value.register !== 'function')
        throw new Error('the module exports no register(program) function');
      await loaded.value.register(program);
    } catch (error) {
      // Never left out quietly: a missing command would only show as "unknown command", far from its cause.
      throw new GlimpseError(
        'INTERNAL',
        `the "${entry.name}" command could not be loaded: ${(error as Error)?.message ?? String(error)}`,
        {
          cause: error,
          hint: 'Rebuild Glimpse (`npm install`, or `npm run build` in its folder); if that does not help, report it with the command you ran.',
        },
      );
    }
  }
  return program;
}

export async function run(argv: string[], commands: readonly CommandEntry[] = COMMANDS): Promise<number> {
  let program: Command;
  try {
    program = await buildProgram(argv, commands);
  } catch (error) {
    return reportError(error);
  }
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : EXIT.ok;
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.exitCode === 0 || error.code === 'commander.helpDisplayed' || error.code === 'commander.version'
        ? EXIT.ok
        : EXIT.fatal;
    }
    return reportError(error);
  }
}
