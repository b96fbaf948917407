import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

test('the shared ExifTool exits when the process that started it is killed with -9', async () => {
  const module = new URL('./exiftool.js', import.meta.url).href;
  const script = `const { metadataTool } = await import(${JSON.stringify(module)});
const tool = await metadataTool();
await tool.version();
process.stdout.write(tool.pids.join(',') + '\\n');
setInterval(() => {}, 1000);`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let output = '';
  child.stdout.setEncoding('utf8');
  while (!output.includes('\n')) {
    const [chunk] = await once(child.stdout, 'data');
    output += chunk;
  }
  const pids = output.trim().split(',').map(Number);
  assert.ok(pids.length > 0 && pids.every((pid) => pid > 0 && alive(pid)), `ExifTool running: ${output}`);
  child.kill('SIGKILL');
  await once(child, 'exit');
  // The watchdog looks every 2 s; a generous bound keeps this from failing on a loaded machine.
  for (let waited = 0; waited < 30_000 && pids.some(alive); waited += 250) await sleep(250);
  assert.deepEqual(pids.filter(alive), [], 'ExifTool outlived its parent (left running for ever with -stay_open)');
});
