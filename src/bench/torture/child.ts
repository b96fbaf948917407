/**
 * Running a `glimpse` command as a child process under watch: a time limit, a memory cap (resident set sampled from
 * /proc), and its peak memory, so a hang or a runaway allocation is a failed try, not a hung campaign.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { glimpseBin } from '../../testing/fixtures.js';

export interface ChildResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** Killed for running past its time limit, or for growing past the memory cap. */
  timedOut: boolean;
  overMemory: boolean;
  /** Peak resident memory seen, in MB (0 where /proc is not readable). */
  peakMb: number;
  ms: number;
}

export interface WatchOptions {
  timeoutMs?: number;
  memoryCapMb?: number;
  env?: Record<string, string>;
  /** Called with the running child (to kill it at some point, say). */
  onStart?: (child: ChildProcess) => void;
}

/** Children still running: killed when the campaign stops early (its time budget). */
export const liveChildren = new Set<ChildProcess>();

export const glimpseEnv = (extra: Record<string, string> = {}) => ({
  ...process.env,
  NO_COLOR: '1',
  GLIMPSE_PROVIDER: '',
  ...extra,
});

/** Resident memory of a process: current and peak (VmRSS, VmHWM), in MB. */
export function memoryOf(pid: number): { rssMb: number; peakMb: number } {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const field = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0) / 1024;
    return { rssMb: field('VmRSS'), peakMb: field('VmHWM') };
  } catch {
    return { rssMb: 0, peakMb: 0 };
  }
}

export function runGlimpse(args: string[], options: WatchOptions = {}): Promise<ChildResult> {
  const started = performance.now();
  const timeoutMs = options.timeoutMs ?? 60_000;
  const capMb = options.memoryCapMb ?? 2048;
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [glimpseBin, ...args], {
      env: glimpseEnv(options.env),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    let overMemory = false;
    let peakMb = 0;
    child.stdout!.on('data', (chunk) => (stdout += chunk));
    child.stderr!.on('data', (chunk) => (stderr += chunk));
    const sample = setInterval(() => {
      if (!child.pid) return;
      const memory = memoryOf(child.pid);
      peakMb = Math.max(peakMb, memory.peakMb, memory.rssMb);
      if (memory.rssMb > capMb) {
        overMemory = true;
        child.kill('SIGKILL');
      }
    }, 50);
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    options.onStart?.(child);
    liveChildren.add(child);
    child.on('close', (code, signal) => {
      liveChildren.delete(child);
      clearInterval(sample);
      clearTimeout(timer);
      resolve({
        code,
        signal,
        stdout,
        stderr,
        timedOut,
        overMemory,
        peakMb: Math.round(peakMb),
        ms: Math.round(performance.now() - started),
      });
    });
  });
}

/** A one-line account of how a child ended, for failure messages. */
export function howItEnded(result: ChildResult): string {
  if (result.timedOut) return `hung (killed after ${result.ms} ms)`;
  if (result.overMemory) return `grew past the memory cap (peak ${result.peakMb} MB)`;
  const tail = (result.stderr.trim().split('\n').at(-1) ?? '').slice(0, 160);
  return `exit ${result.code ?? result.signal}${tail ? `: ${tail}` : ''}`;
}
