import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Command } from 'commander';
import { buildProgram, type CommandEntry, run } from './main.js';

/** Runs the program with its own command table and returns the exit code and what it wrote to stderr. */
async function runWith(
  commands: readonly CommandEntry[],
  ...args: string[]
): Promise<{ code: number; stderr: string }> {
  const write = process.stderr.write;
  let stderr = '';
  process.stderr.write = ((chunk: string | Uint8Array) => {
    stderr += String(chunk);
    return true;
  }) as typeof process.stderr.write;
  try {
    return { code: await run(['node', 'glimpse', ...args], commands), stderr };
  } finally {
    process.stderr.write = write;
  }
}

function command(name: string, core: boolean, ran: string[] = []): CommandEntry {
  return {
    name,
    core,
    load: async () => ({
      register: (program: Command) => void program.command(name).action(() => void ran.push(name)),
    }),
  };
}

function failing(name: string, core: boolean, error: unknown): CommandEntry {
  return {
    name,
    core,
    load: async () => {
      throw error;
    },
  };
}

test('a command module that fails to load is an error naming the command and the cause, exit 1', async () => {
  const table = [command('hello', true), failing('broken', false, new SyntaxError("Unexpected token '}'"))];
  const { code, stderr } = await runWith(table, '--help');
  assert.equal(code, 1);
  assert.match(stderr, /the "broken" command could not be loaded: Unexpected token '\}'/);
});

test('a module that is not found is not dropped either', async () => {
  const missing = Object.assign(new Error("Cannot find module '/x/commands/gone.js'"), {
    code: 'ERR_MODULE_NOT_FOUND',
  });
  const ran: string[] = [];
  const { code, stderr } = await runWith([command('hello', false, ran), failing('gone', false, missing)], 'hello');
  assert.equal(code, 1);
  assert.match(stderr, /the "gone" command could not be loaded: Cannot find module/);
  assert.deepEqual(ran, [], 'no command runs when the program could not be assembled');
});

test('a failing module stops the run of its own command, and help; a module without register() fails too', async () => {
  const table = [command('hello', true), failing('search', true, new Error('sharp failed to load'))];
  for (const args of [['search', 'dog'], ['--help'], ['hello', '--help']]) {
    const failed = await runWith(table, ...args);
    assert.equal(failed.code, 1, args.join(' '));
    assert.match(failed.stderr, /"search" command could not be loaded: sharp failed to load/);
  }
  const empty = await runWith(
    [command('hello', true), { name: 'empty', core: true, load: async () => ({}) as never }],
    'empty',
  );
  assert.equal(empty.code, 1);
  assert.match(empty.stderr, /"empty" command could not be loaded: the module exports no register/);
});

test('a core command loads only its own module; help and other commands load them all', async () => {
  const loads: string[] = [];
  const counted = (entry: CommandEntry): CommandEntry => ({
    ...entry,
    load: () => {
      loads.push(entry.name);
      return entry.load();
    },
  });
  const ran: string[] = [];
  const table = [command('hello', true, ran), command('other', true), command('serve', false)].map(counted);
  assert.deepEqual(await runWith(table, 'hello'), { code: 0, stderr: '' });
  assert.deepEqual(await runWith(table, '--db', 'other', 'hello', '-x'), {
    code: 1,
    stderr: "error: unknown option '-x'\n(run with --help for usage)\n",
  });
  assert.deepEqual(ran, ['hello']);
  assert.deepEqual(loads, ['hello', 'hello'], '--db takes a value: "other" is no command name');
  loads.length = 0;
  await buildProgram(['node', 'glimpse', 'hello', '--help'], table);
  assert.deepEqual(loads, ['hello', 'other', 'serve']);
  loads.length = 0;
  await buildProgram(['node', 'glimpse', 'serve'], table);
  assert.deepEqual(loads, ['hello', 'other', 'serve']);
});

test('the real table builds: every module loads and registers, in help order', async () => {
  const program = await buildProgram();
  const names = program.commands.map((registered) => registered.name());
  assert.deepEqual(names, [
    'caption',
    'index',
    'search',
    'ask',
    'show',
    'edit',
    'status',
    'worker',
    'models',
    'config',
    'serve',
    'eval',
    'similar',
    'metadata',
    'mcp',
    'alt',
    'export',
    'migrate',
  ]);
  const models = program.commands.find((registered) => registered.name() === 'models')!;
  assert.ok(
    models.commands.some((sub) => sub.name() === 'pull'),
    '`glimpse models pull` comes from the local provider',
  );
});
