/**
 * `glimpse models pull` as commander runs it, in its own process: against a stand-in hub on 127.0.0.1, and against
 * a closed port.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { GlimpseError } from '../../errors.js';
import { closedPortUrl, startTestHub } from '../../testing/test-hub.js';
import { repositoryRoot, tinyModelDirectory } from '../../testing/tiny-models.js';
import { listLocalModels } from './model-directory.js';

const run = promisify(execFile);

let scratch: string;
let hub: Awaited<ReturnType<typeof startTestHub>>;

before(async () => {
  scratch = mkdtempSync(join(tmpdir(), 'glimpse-models-pull-'));
  hub = await startTestHub(tinyModelDirectory());
});
after(async () => {
  await hub.close();
  rmSync(scratch, { recursive: true, force: true });
});

/**
 * Runs `glimpse models <args>` in a child process, on a fresh program with a `models` command and the providers'
 * own commands added through their manifests (as the CLI assembles them), and returns stdout; a failure comes back
 * as the JSON of its error.
 */
async function glimpseModels(args: string[]): Promise<string> {
  const script = `
    import { Command } from 'commander';
    import { registerProviderCommands } from ${JSON.stringify(new URL('../registry.js', import.meta.url).href)};
    const program = new Command('glimpse').exitOverride();
    program.command('models');
    await registerProviderCommands(program);
    try {
      await program.parseAsync(['node', 'glimpse', 'models', ...process.argv.slice(1)]);
    } catch (error) {
      process.stderr.write(JSON.stringify({ code: error.code, message: error.message, hint: error.hint }));
      process.exitCode = 1;
    }`;
  try {
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script, '--', ...args], {
      cwd: repositoryRoot,
    });
    return stdout;
  } catch (error) {
    const { code, message, hint } = JSON.parse((error as { stderr: string }).stderr);
    throw new GlimpseError(code, message, { hint });
  }
}

describe('glimpse models pull', () => {
  test('downloads a model into --model-dir, where it is then listed', async () => {
    const directory = join(scratch, 'models');
    const result = JSON.parse(
      await glimpseModels(['pull', 'tiny/clip', '--model-dir', directory, '--hub', hub.url, '--json']),
    );
    assert.equal(result.path, join(directory, 'tiny/clip'));
    assert.ok(result.files.includes('onnx/text_model.onnx') && result.files.includes('onnx/vision_model.onnx'));
    assert.deepEqual(
      listLocalModels(directory).map((model) => [model.id, model.architecture, model.dtype]),
      [['tiny/clip', 'clip', 'fp32']],
    );

    const text = await glimpseModels(['pull', 'tiny/minilm', '--model-dir', directory, '--hub', hub.url]);
    assert.match(
      text,
      new RegExp(`^Pulled tiny/minilm \\(\\d+ files, [\\d.]+ MB\\) into ${join(directory, 'tiny/minilm')}\\n$`),
    );
  });

  test('with no hub reachable it fails clearly and says how to get the model another way', async () => {
    const offline = await closedPortUrl();
    await assert.rejects(
      glimpseModels(['pull', 'vit-gpt2', '--model-dir', join(scratch, 'offline'), '--hub', offline]),
      (error: unknown) => {
        assert.ok(GlimpseError.is(error, 'URL_UNREACHABLE'), String(error));
        assert.ok(error.message.includes(`${offline} is not reachable`), error.message);
        assert.ok(error.hint.includes(join(scratch, 'offline', 'Xenova/vit-gpt2-image-captioning')), error.hint);
        return true;
      },
    );
  });

  test('an unknown --dtype is a usage error', async () => {
    await assert.rejects(glimpseModels(['pull', 'clip', '--dtype', 'fp64', '--hub', hub.url]), (error: unknown) =>
      GlimpseError.is(error, 'USAGE'),
    );
  });
});
