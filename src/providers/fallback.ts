/**
 * Fallback chains: `--provider ollama,builtin` describes with the first provider that works. A provider that is
 * unreachable, refuses the key, times out or fails moves the request to the next one; bad input (a corrupt or
 * missing file) fails at once, since every provider would refuse it. A provider that was unreachable or refused
 * the key is skipped for a while, so a stopped server costs one failed request, not one per image.
 */
import { type ErrorCode, GlimpseError, toGlimpseError } from '../errors.js';
import { getProviderFactory } from './registry.js';
import type {
  Answer,
  AskRequest,
  ChainReport,
  DescribeRequest,
  Description,
  ImageDescriber,
  ProviderSettings,
  Task,
} from './spec.js';

/** Errors about the input itself: the next provider would fail the same way. */
const INPUT_ERRORS = new Set<ErrorCode>([
  'FILE_NOT_FOUND',
  'PERMISSION_DENIED',
  'EMPTY_FILE',
  'NOT_AN_IMAGE',
  'CORRUPT_IMAGE',
  'IMAGE_TOO_LARGE',
  'BROKEN_SYMLINK',
  'SYMLINK_LOOP',
  'URL_UNREACHABLE',
  'URL_HTTP_ERROR',
  'USAGE',
]);

/** Errors that will repeat on the next image too: skip the provider for `cooldownMs`. */
const LASTING_ERRORS = new Set<ErrorCode>(['PROVIDER_AUTH', 'PROVIDER_UNAVAILABLE', 'MODEL_NOT_FOUND']);

export interface ChainOptions {
  /** How long to skip a provider after a lasting failure. Default 60 s. */
  cooldownMs?: number;
  /** Told about each fallback, e.g. to print "ollama failed (…); using builtin". */
  onFallback?: (event: { from: string; error: GlimpseError }) => void;
}

/**
 * Settings for a chain: one object (its model, base URL and key belong to the chain's first provider; timeout,
 * options and environment apply to all), or a function giving each provider its own.
 */
export type ChainSettings = ProviderSettings | ((name: string) => ProviderSettings);

export async function createProviderChain(
  names: string[],
  settings: ChainSettings = {},
  options: ChainOptions = {},
): Promise<ImageDescriber> {
  if (names.length === 0) throw new GlimpseError('NO_PROVIDER', 'The provider chain is empty');
  const settingsFor =
    typeof settings === 'function' ? settings : (name: string) => sharedSettings(settings, name === names[0]);
  const members: ImageDescriber[] = [];
  const creationErrors: GlimpseError[] = [];
  for (const name of names) {
    try {
      const factory = await getProviderFactory(name);
      members.push(await factory.createDescriber(settingsFor(name)));
    } catch (error) {
      const failure = toGlimpseError(error);
      if (failure.code === 'UNKNOWN_PROVIDER') throw failure; // a typo, not an outage
      creationErrors.push(failure);
      options.onFallback?.({ from: name, error: failure });
    }
  }
  if (members.length === 0) throw chainError(names, creationErrors);
  return chainDescribers(members, options);
}

/** The chain itself, over describers already built (also what tests use with their own describers). */
export function chainDescribers(members: ImageDescriber[], options: ChainOptions = {}): ImageDescriber {
  const cooldownMs = options.cooldownMs ?? 60_000;
  const skipUntil = new Map<ImageDescriber, number>();
  const tasks = [...new Set(members.flatMap((member) => member.capabilities.tasks))] as Task[];

  /** The last failure of each member, to say why a member cooling down was not asked. */
  const lastFailure = new Map<ImageDescriber, GlimpseError>();

  async function firstThatWorks<T>(
    canTry: (member: ImageDescriber) => boolean,
    run: (member: ImageDescriber) => Promise<T>,
    report?: (result: T, answeredBy: ImageDescriber, passedOver: ChainReport['passedOver']) => T,
  ): Promise<T> {
    const errors: GlimpseError[] = [];
    const passedOver: ChainReport['passedOver'] = [];
    const now = Date.now();
    const available = members.filter((member) => canTry(member) && (skipUntil.get(member) ?? 0) <= now);
    // When every member is cooling down, try them all again rather than fail without asking anyone.
    const candidates = available.length > 0 ? available : members.filter(canTry);
    for (const member of members) {
      if (!candidates.includes(member)) {
        const failure = lastFailure.get(member);
        if (canTry(member) && failure)
          passedOver.push({
            provider: member.provider,
            code: failure.code,
            message: `not asked: it failed ${Math.round((now - (skipUntil.get(member)! - cooldownMs)) / 1000)} s ago (${failure.message})`,
            skipped: true,
          });
        continue;
      }
      try {
        const result = await run(member);
        skipUntil.delete(member);
        lastFailure.delete(member);
        return report ? report(result, member, passedOver) : result;
      } catch (error) {
        const failure = toGlimpseError(error);
        if (INPUT_ERRORS.has(failure.code) || (error as Error)?.name === 'AbortError') throw error;
        if (LASTING_ERRORS.has(failure.code)) skipUntil.set(member, Date.now() + cooldownMs);
        lastFailure.set(member, failure);
        errors.push(failure);
        passedOver.push({ provider: member.provider, code: failure.code, message: failure.message, skipped: false });
        options.onFallback?.({ from: member.provider, error: failure });
      }
    }
    throw chainError(
      members.map((member) => member.provider),
      errors,
    );
  }

  const providers = members.map((member) => member.provider);
  /** A description says which member answered and why the members before it did not. */
  const withChain = (description: Description, answeredBy: ImageDescriber, passedOver: ChainReport['passedOver']) => ({
    ...description,
    chain: { providers, answeredBy: answeredBy.provider, passedOver },
  });

  /** A method only some members have: the chain offers it when any member does, and tries those that do. */
  function optionalMethod<K extends 'answer' | 'rewriteQuestion'>(name: K): Partial<Pick<ImageDescriber, K>> {
    if (!members.some((member) => member[name])) return {};
    type Request = Parameters<NonNullable<ImageDescriber[K]>>[0];
    const method = (request: Request) =>
      firstThatWorks(
        (member) => Boolean(member[name]),
        (member) => (member[name] as (request: Request) => Promise<unknown>).call(member, request),
      );
    return { [name]: method } as Partial<Pick<ImageDescriber, K>>;
  }

  return {
    specificationVersion: 'v1',
    provider: members.map((member) => member.provider).join(','),
    modelId: members.map((member) => member.modelId).join(','),
    capabilities: {
      tasks,
      ask: members.some((member) => member.capabilities.ask),
      objects: members.some((member) => member.capabilities.objects),
      ocr: members.some((member) => member.capabilities.ocr),
      safety: members.some((member) => member.capabilities.safety),
      prompt: members.some((member) => member.capabilities.prompt),
    },
    // The pipeline prepares one image for the whole chain; each member shrinks it further to its own budget.
    preferredImageSize: Math.max(...members.map((member) => member.preferredImageSize)),
    promptVersion: members.map((member) => `${member.provider}:${member.promptVersion}`).join(','),
    describe: (request: DescribeRequest): Promise<Description> =>
      firstThatWorks(
        (member) => member.capabilities.tasks.includes(request.task) && (!request.prompt || member.capabilities.prompt),
        (member) => member.describe(request),
        withChain,
      ),
    ask: (request: AskRequest): Promise<Answer> =>
      firstThatWorks(
        (member) => Boolean(member.ask),
        (member) => member.ask!(request),
      ),
    // Only when a member can answer about a library; otherwise callers take their own (extractive) path.
    ...optionalMethod('answer'),
    ...optionalMethod('rewriteQuestion'),
    async close() {
      await Promise.all(members.map((member) => member.close?.()));
    },
  };
}

function sharedSettings(settings: ProviderSettings, first: boolean): ProviderSettings {
  if (first) return settings;
  const { model: _model, baseUrl: _baseUrl, apiKey: _apiKey, ...rest } = settings;
  return rest;
}

function chainError(names: string[], errors: GlimpseError[]): GlimpseError {
  const last = errors.at(-1);
  const summary = errors.map((error) => error.message).join('; ');
  if (!last) return new GlimpseError('UNSUPPORTED_TASK', `No provider in ${names.join(',')} can do this`);
  // Keep the last member's code: PROVIDER_AUTH from the only cloud member still stops the run.
  return new GlimpseError(last.code, `Every provider in ${names.join(',')} failed: ${summary}`, {
    cause: last,
    hint: last.hint,
    retryable: last.isRetryable,
    retryAfterSeconds: last.retryAfterSeconds,
  });
}
