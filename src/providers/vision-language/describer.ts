/**
 * One ImageDescriber for every vision-language model the AI SDK can reach. Providers differ only in the AI SDK
 * model they hand in, how far they downscale, and their limits; prompts, parsing, retries, timeouts, rate limits,
 * token counting and cost are all here.
 */
import { generateText, type LanguageModel, type ModelMessage, type UserContent } from 'ai';
import { GlimpseError } from '../../errors.js';
import { costOf } from '../cost.js';
import type {
  Answer,
  AskRequest,
  DescribeRequest,
  Description,
  ImageDescriber,
  LibraryAnswer,
  LibraryQuestion,
  PreparedImage,
  QuestionRewrite,
  QuestionRewriteRequest,
  Task,
  Usage,
} from '../spec.js';
import { emptyDescription, TASKS } from '../spec.js';
import {
  ANSWER_SYSTEM_PROMPT,
  citedIds,
  libraryPrompt,
  REWRITE_SYSTEM_PROMPT,
  rewritePrompt,
  rewriteSchema,
} from './answer-prompts.js';
import { budgetMaxSide, encodeForUpload, type ImageBudget } from './image-budget.js';
import { cleanAltText, cleanSentence, parseModelJson, parseOcr, parseTags } from './parse-output.js';
import {
  descriptionSchema,
  moderationSchema,
  promptVersionFor,
  repairPrompt,
  systemPromptFor,
  taskPrompt,
  userPrompt,
} from './prompts.js';
import { toProviderError } from './provider-errors.js';
import type { RateLimiter } from './rate-limit.js';
import { type RetryPolicy, withRetries } from './retry.js';

export interface CallSettings {
  provider: string;
  modelId: string;
  /** For error messages: where requests go. */
  baseUrl: string;
  timeoutMs: number;
  retry: RetryPolicy;
  limiter: RateLimiter;
}

export interface VisionLanguageConfig extends CallSettings {
  model: LanguageModel;
  budget: ImageBudget;
  maxOutputTokens?: number;
  /** Calls allowed for one `json` description: the first, plus re-asks after malformed output. */
  jsonAttempts?: number;
  /** The language descriptions are written in (`--language`), e.g. "fr" or "German"; default English. */
  language?: string;
  providerOptions?: Parameters<typeof generateText>[0]['providerOptions'];
}

interface Completion {
  text: string;
  model: string;
  inputTokens: number;
  outputTokens: number;
}

export function createVisionLanguageDescriber(config: VisionLanguageConfig): ImageDescriber {
  const jsonAttempts = config.jsonAttempts ?? 2;
  // One upload encoding per image, however many tasks or questions are asked about it.
  const uploads = new WeakMap<PreparedImage, ReturnType<typeof encodeForUpload>>();

  const describeSystemPrompt = systemPromptFor(config.language);

  async function complete(
    messages: ModelMessage[],
    signal?: AbortSignal,
    system = describeSystemPrompt,
  ): Promise<Completion> {
    return callProvider(config, signal, async (abortSignal) => {
      const result = await generateText({
        model: config.model,
        system,
        messages,
        maxRetries: 0, // retries live in withRetries only
        maxOutputTokens: config.maxOutputTokens ?? 1024,
        abortSignal,
        providerOptions: config.providerOptions,
      });
      return {
        text: result.text,
        model: result.response?.modelId || config.modelId,
        inputTokens: result.usage.inputTokens ?? 0,
        outputTokens: result.usage.outputTokens ?? 0,
      };
    });
  }

  async function imagePart(image: PreparedImage) {
    let pending = uploads.get(image);
    if (!pending) uploads.set(image, (pending = encodeForUpload(image, config.budget)));
    const upload = await pending;
    // A base64 string, not bytes: Ollama's adapter forwards the value as-is into its `images` array.
    return { type: 'image' as const, image: upload.data.toString('base64'), mediaType: upload.mediaType };
  }

  async function imageMessage(image: PreparedImage, text: string): Promise<ModelMessage> {
    return { role: 'user', content: [{ type: 'text', text }, await imagePart(image)] };
  }

  /** Ask for JSON; on malformed output show the model its reply and the problem, and ask again. */
  async function completeJson<T>(
    image: PreparedImage,
    prompt: string,
    schema: Parameters<typeof parseModelJson<T>>[1],
    signal?: AbortSignal,
  ): Promise<{ value: T; completions: Completion[] }> {
    const messages: ModelMessage[] = [await imageMessage(image, prompt)];
    const completions: Completion[] = [];
    let problem = '';
    for (let attempt = 1; attempt <= jsonAttempts; attempt++) {
      const completion = await complete(messages, signal);
      completions.push(completion);
      const parsed = parseModelJson(completion.text, schema);
      if (parsed.ok) return { value: parsed.value, completions };
      problem = parsed.problem;
      messages.push({ role: 'assistant', content: completion.text }, { role: 'user', content: repairPrompt(problem) });
    }
    throw new GlimpseError(
      'PROVIDER_BAD_OUTPUT',
      `${image.source}: ${config.provider} (${config.modelId}) answered ${jsonAttempts} times without usable JSON; last reply: ${problem}`,
      { path: image.source },
    );
  }

  function usageOf(completions: Completion[]): Usage {
    const inputTokens = completions.reduce((sum, c) => sum + c.inputTokens, 0);
    const outputTokens = completions.reduce((sum, c) => sum + c.outputTokens, 0);
    return { inputTokens, outputTokens, costUsd: costOf(config.provider, config.modelId, inputTokens, outputTokens) };
  }

  async function describe(request: DescribeRequest): Promise<Description> {
    const { image, task, prompt, signal } = request;
    if (!TASKS.includes(task)) {
      throw new GlimpseError('UNSUPPORTED_TASK', `Unknown task "${task}"; tasks are ${TASKS.join(', ')}`);
    }
    if (prompt !== undefined && prompt.trim() !== '') {
      const completion = await complete([await imageMessage(image, userPrompt(prompt))], signal);
      const description = emptyDescription(completion.model);
      description.answer = completion.text.trim();
      if (task === 'caption') description.caption = description.answer;
      return { ...description, usage: usageOf([completion]) };
    }
    if (task === 'json') {
      const { value, completions } = await completeJson(image, taskPrompt('json'), descriptionSchema, signal);
      return {
        caption: cleanSentence(value.caption),
        detailed: cleanSentence(value.detailed),
        alt: cleanAltText(value.alt),
        tags: parseTags(value.tags.join(',')),
        // Vision-language models name objects but give no confidence; listing one is their assertion.
        objects: value.objects.map((object) => ({
          label: object.label.toLowerCase(),
          score: 1,
          box: object.box ?? null,
        })),
        text: value.text === null ? null : parseOcr(value.text),
        safety: { flagged: value.safety.flagged, description: value.safety.description, scores: {} },
        model: completions.at(-1)!.model,
        usage: usageOf(completions),
      };
    }
    if (task === 'moderation') {
      const { value, completions } = await completeJson(image, taskPrompt('moderation'), moderationSchema, signal);
      const description = emptyDescription(completions.at(-1)!.model);
      description.safety = { flagged: value.flagged, description: value.description, scores: value.scores };
      return { ...description, usage: usageOf(completions) };
    }
    const completion = await complete([await imageMessage(image, taskPrompt(task))], signal);
    if (completion.text.trim() === '') {
      throw new GlimpseError(
        'PROVIDER_BAD_OUTPUT',
        `${image.source}: ${config.provider} (${completion.model}) gave an empty answer (refused or filtered?)`,
        {
          path: image.source,
        },
      );
    }
    return { ...emptyDescription(completion.model), ...fieldsFor(task, completion.text), usage: usageOf([completion]) };
  }

  async function ask(request: AskRequest): Promise<Answer> {
    const completion = await complete(
      [await imageMessage(request.image, userPrompt(request.question))],
      request.signal,
    );
    return {
      answer: completion.text.trim(),
      answered: completion.text.trim() !== '',
      model: completion.model,
      usage: usageOf([completion]),
    };
  }

  async function answer(request: LibraryQuestion): Promise<LibraryAnswer> {
    const images = request.images ?? [];
    const content: Exclude<UserContent, string> = [
      {
        type: 'text',
        text: libraryPrompt(
          request.question,
          request.documents,
          images.map((entry) => entry.id),
          request.language,
        ),
      },
    ];
    for (const { id, image } of images) content.push({ type: 'text', text: `Image [${id}]:` }, await imagePart(image));
    const completion = await complete([{ role: 'user', content }], request.signal, ANSWER_SYSTEM_PROMPT);
    const text = completion.text.trim();
    if (text === '') {
      throw new GlimpseError(
        'PROVIDER_BAD_OUTPUT',
        `${config.provider} (${completion.model}) gave an empty answer to "${request.question}" (refused or filtered?)`,
      );
    }
    return { answer: text, cited: citedIds(text), model: completion.model, usage: usageOf([completion]) };
  }

  async function rewriteQuestion(request: QuestionRewriteRequest): Promise<QuestionRewrite> {
    const completion = await complete(
      [{ role: 'user', content: rewritePrompt(request.question, request.libraryLanguage) }],
      request.signal,
      REWRITE_SYSTEM_PROMPT,
    );
    const parsed = parseModelJson(completion.text, rewriteSchema);
    if (!parsed.ok || parsed.value.query.trim() === '') {
      throw new GlimpseError(
        'PROVIDER_BAD_OUTPUT',
        `${config.provider} (${completion.model}) did not give search words for "${request.question}": ${parsed.ok ? 'an empty query' : parsed.problem}`,
      );
    }
    return {
      query: parsed.value.query.trim(),
      language: parsed.value.language?.trim().toLowerCase() || null,
      model: completion.model,
      usage: usageOf([completion]),
    };
  }

  return {
    specificationVersion: 'v1',
    provider: config.provider,
    modelId: config.modelId,
    capabilities: { tasks: TASKS, ask: true, objects: true, ocr: true, safety: true, prompt: true },
    preferredImageSize: budgetMaxSide(config.budget),
    promptVersion: promptVersionFor(config.language),
    describe,
    ask,
    answer,
    rewriteQuestion,
  };
}

function fieldsFor(task: Exclude<Task, 'json' | 'moderation'>, text: string): Partial<Description> {
  switch (task) {
    case 'caption':
      return { caption: cleanSentence(text) };
    case 'detailed':
      return { detailed: cleanSentence(text) };
    case 'alt':
      return { alt: cleanAltText(text) };
    case 'tags':
      return { tags: parseTags(text) };
    case 'ocr':
      return { text: parseOcr(text) };
  }
}

/**
 * One provider request with everything around it: rate limit slot, timeout, error mapping, and retries with
 * backoff. Shared by describers and embedders.
 */
export async function callProvider<T>(
  settings: CallSettings,
  signal: AbortSignal | undefined,
  request: (abortSignal: AbortSignal) => Promise<T>,
): Promise<T> {
  return withRetries(
    () =>
      settings.limiter.run(async () => {
        const timeout = AbortSignal.timeout(settings.timeoutMs);
        const abortSignal = signal ? AbortSignal.any([signal, timeout]) : timeout;
        try {
          return await request(abortSignal);
        } catch (error) {
          const timedOut = timeout.aborted && !signal?.aborted;
          throw toProviderError(error, {
            provider: settings.provider,
            model: settings.modelId,
            baseUrl: settings.baseUrl,
            timedOutAfterMs: timedOut ? settings.timeoutMs : undefined,
          });
        }
      }, signal),
    settings.retry,
    { signal },
  );
}
