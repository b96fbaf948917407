/**
 * A worker thread that owns one warm Analyzer. Messages: { id, pixels, exif, options } → { id, signals } or
 * { id, error }. The pixel buffer is transferred, not copied.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { Analyzer } from './analyzer.js';
import type { AnalysisRequest, AnalysisResponse } from './pool.js';

const analyzer = new Analyzer({ threads: (workerData as { threads?: number } | null)?.threads });

parentPort?.on('message', async (request: AnalysisRequest | { close: true }) => {
  if ('close' in request) {
    await analyzer.close();
    parentPort?.postMessage({ closed: true });
    return;
  }
  let response: AnalysisResponse;
  try {
    const signals = await analyzer.analyze(request.pixels, request.exif, request.options);
    response = { id: request.id, signals };
  } catch (error) {
    response = {
      id: request.id,
      error: { message: (error as Error)?.message ?? String(error), code: (error as { code?: string })?.code },
    };
  }
  parentPort?.postMessage(response);
});
