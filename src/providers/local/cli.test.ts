/**
 * The local provider through the real `glimpse` binary, with GLIMPSE_MODELS pointing at the tiny models.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { repositoryRoot, samplePhoto, tinyModelDirectory } from '../../testing/tiny-models.js';

const run = promisify(execFile);
let modelDir: string;

before(() => {
  modelDir = tinyModelDirectory();
});

async function glimpse(args: string[], env: Record<string, string> = {}) {
  try {
    const { stdout, stderr } = await run(process.execPath, [join(repositoryRoot, 'bin', 'glimpse.js'), ...args], {
      env: { ...process.env, GLIMPSE_MODELS: modelDir, NO_COLOR: '1', ...env },
      cwd: repositoryRoot,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

describe('glimpse caption --provider local', () => {
  test('Florence-2 describes a photo; the JSON says which model answered', async () => {
    const { code, stdout, stderr } = await glimpse([
      'caption',
      '--provider',
      'local',
      '--model',
      'tiny/florence-2',
      samplePhoto,
      '--json',
    ]);
    assert.equal(code, 0, stderr);
    const result = JSON.parse(stdout);
    assert.equal(result.provider, 'local');
    assert.equal(result.model, 'tiny/florence-2 (fp32)');
    assert.ok(typeof result.caption === 'string' && result.caption.length > 0);
  });

  test('vit-gpt2, by folder path instead of id', async () => {
    const { code, stdout, stderr } = await glimpse([
      'caption',
      '--provider',
      'local',
      '--model',
      join(modelDir, 'tiny', 'vit-gpt2'),
      samplePhoto,
      '--json',
    ]);
    assert.equal(code, 0, stderr);
    assert.ok(JSON.parse(stdout).caption.length > 0);
  });

  test('without --model the best captioner present is chosen (Florence-2)', async () => {
    const { code, stdout, stderr } = await glimpse(['caption', '--provider', 'local', samplePhoto, '--json']);
    assert.equal(code, 0, stderr);
    assert.equal(JSON.parse(stdout).model, 'tiny/florence-2 (fp32)');
  });

  test('a missing model is a clear error naming the folder and the pull command', async () => {
    const { code, stderr } = await glimpse([
      'caption',
      '--provider',
      'local',
      '--model',
      'florence-2-large',
      samplePhoto,
    ]);
    assert.equal(code, 1);
    assert.ok(stderr.includes(join(modelDir, 'onnx-community', 'Florence-2-large-ft')), stderr);
    assert.ok(stderr.includes('glimpse models pull onnx-community/Florence-2-large-ft'), stderr);
  });
});
