/**
 * A test double that implements the provider spec: it answers from a table keyed by file name (or a function),
 * records every request it receives, and can be told to fail, wait or count. Used by Glimpse's own tests, in
 * process and, through the provider module `writeProviderModule` writes, by the real CLI in another process.
 */
import { basename } from 'node:path';
import { type ErrorCode, GlimpseError } from '../errors.js';
import {
  type Answer,
  type AskRequest,
  type DescribeRequest,
  type Description,
  emptyDescription,
  type ImageDescriber,
  TASKS,
} from '../providers/spec.js';

export interface RecordingProviderOptions {
  /** Description fields per file name (basename of the source); others get `fallback`. */
  answers?: Record<string, Partial<Description>>;
  /** Or compute a description from the request. */
  respond?: (request: DescribeRequest) => Partial<Description> | Promise<Partial<Description>>;
  fallback?: Partial<Description>;
  /** Fail these file names with this error code. */
  failures?: Record<string, ErrorCode>;
  /** Milliseconds each describe call takes. */
  latencyMs?: number;
  provider?: string;
  modelId?: string;
  promptVersion?: string;
  preferredImageSize?: number;
}

export interface RecordingProvider extends ImageDescriber {
  readonly requests: DescribeRequest[];
  readonly questions: AskRequest[];
  /** How many describe calls are running right now, and the most that ever ran at once. */
  readonly inFlight: { now: number; max: number };
  closed: boolean;
}

export function createRecordingProvider(options: RecordingProviderOptions = {}): RecordingProvider {
  const requests: DescribeRequest[] = [];
  const questions: AskRequest[] = [];
  const inFlight = { now: 0, max: 0 };
  const modelId = options.modelId ?? 'recording-1';
  const provider: RecordingProvider = {
    specificationVersion: 'v1',
    provider: options.provider ?? 'recording',
    modelId,
    capabilities: { tasks: TASKS, ask: true, objects: true, ocr: true, safety: true, prompt: true },
    preferredImageSize: options.preferredImageSize ?? 512,
    promptVersion: options.promptVersion ?? 'recording-prompts-1',
    requests,
    questions,
    inFlight,
    closed: false,
    async describe(request) {
      requests.push(request);
      inFlight.now++;
      inFlight.max = Math.max(inFlight.max, inFlight.now);
      try {
        if (options.latencyMs) await new Promise((resolve) => setTimeout(resolve, options.latencyMs));
        const name = basename(request.image.source);
        const failure = options.failures?.[name];
        if (failure) throw new GlimpseError(failure, `recording provider was told to fail ${name}`);
        const answer = options.respond
          ? await options.respond(request)
          : (options.answers?.[name] ?? options.fallback ?? { caption: `An image called ${name}.` });
        return {
          ...emptyDescription(modelId),
          ...answer,
          ...(request.prompt ? { answer: answer.answer ?? `answer to: ${request.prompt}` } : {}),
        };
      } finally {
        inFlight.now--;
      }
    },
    async ask(request): Promise<Answer> {
      questions.push(request);
      return { answer: `You asked: ${request.question}`, answered: true, model: modelId };
    },
    async close() {
      provider.closed = true;
    },
  };
  return provider;
}
