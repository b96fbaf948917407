/**
 * A small pool of analysis worker threads, one per core (at most two by default: each holds its own copy of the
 * models, so memory grows with every worker). Requests go to the least busy worker; workers start on first use
 * and end on close().
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { ERROR_CODES, type ErrorCode, GlimpseError } from '../../../errors.js';
import type { ExifSummary } from '../../spec.js';
import type { AnalysisOptions, Pixels, Signals } from './signals.js';

export interface AnalysisRequest {
  id: number;
  pixels: Pixels;
  exif: ExifSummary | null;
  options: AnalysisOptions;
}

export type AnalysisResponse =
  | { id: number; signals: Signals }
  | { id: number; error: { message: string; code?: string } };

interface Pending {
  resolve(signals: Signals): void;
  reject(error: Error): void;
}

interface Slot {
  worker: Worker;
  pending: Map<number, Pending>;
}

export class AnalysisPool {
  private slots: Slot[] = [];
  private nextId = 1;
  private closed = false;
  readonly size: number;

  constructor(size = Math.min(2, availableParallelism())) {
    this.size = Math.max(1, size);
  }

  analyze(pixels: Pixels, exif: ExifSummary | null, options: AnalysisOptions, source: string): Promise<Signals> {
    if (this.closed) return Promise.reject(new GlimpseError('PROVIDER_ERROR', 'The built-in analyzer was closed'));
    const slot = this.leastBusy();
    const id = this.nextId++;
    return new Promise<Signals>((resolve, reject) => {
      slot.pending.set(id, {
        resolve,
        reject: (error) => reject(toProviderError(error, source)),
      });
      // Copy into a buffer of our own so the transfer never detaches memory the caller still uses.
      const data = new Uint8Array(pixels.data);
      const request: AnalysisRequest = {
        id,
        pixels: { data, width: pixels.width, height: pixels.height },
        exif,
        options,
      };
      slot.worker.postMessage(request, [data.buffer]);
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    const slots = this.slots;
    this.slots = [];
    await Promise.all(
      slots.map(async (slot) => {
        // Let the models release their sessions cleanly, then stop the worker (bounded, so close never hangs).
        const done = new Promise((resolve) => slot.worker.once('message', resolve));
        slot.worker.postMessage({ close: true });
        await Promise.race([done, new Promise((resolve) => setTimeout(resolve, 2000).unref())]);
        await slot.worker.terminate();
      }),
    );
  }

  private leastBusy(): Slot {
    if (this.slots.length < this.size) {
      const idle = this.slots.find((slot) => slot.pending.size === 0);
      if (idle) return idle;
      const slot = this.start();
      this.slots.push(slot);
      return slot;
    }
    return this.slots.reduce((best, slot) => (slot.pending.size < best.pending.size ? slot : best));
  }

  private start(): Slot {
    // Each worker's share of the cores for onnxruntime's threads: more threads than cores cost CPU in thread hand-offs
    // while the other workers keep every core busy anyway.
    const threads = Math.max(1, Math.floor(availableParallelism() / this.size));
    const worker = new Worker(new URL('./worker.js', import.meta.url), { workerData: { threads } });
    const slot: Slot = { worker, pending: new Map() };
    worker.on('message', (message: AnalysisResponse | { closed: true }) => {
      if (!('id' in message)) return;
      const pending = slot.pending.get(message.id);
      if (!pending) return;
      slot.pending.delete(message.id);
      if ('signals' in message) pending.resolve(message.signals);
      else pending.reject(Object.assign(new Error(message.error.message), { code: message.error.code }));
    });
    const failAll = (error: Error) => {
      for (const pending of slot.pending.values()) pending.reject(error);
      slot.pending.clear();
      this.slots = this.slots.filter((other) => other !== slot);
    };
    worker.on('error', failAll);
    worker.on('exit', (code) => {
      if (slot.pending.size > 0) failAll(new Error(`analysis worker stopped (exit code ${code})`));
      this.slots = this.slots.filter((other) => other !== slot);
    });
    return slot;
  }
}

function toProviderError(error: Error, source: string): GlimpseError {
  const code = (error as { code?: string }).code;
  if (code && code in ERROR_CODES)
    return new GlimpseError(code as ErrorCode, error.message, { path: source, cause: error });
  return new GlimpseError('PROVIDER_ERROR', `${source}: the built-in analyzer failed (${error.message})`, {
    path: source,
    cause: error,
  });
}
