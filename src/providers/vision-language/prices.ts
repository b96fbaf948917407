/**
 * Prices and image-token rules, for the cost shown after a run and for `glimpse index --dry-run`. Prices are US
 * dollars per million tokens as the vendors published them in 2025; check the vendor's page before relying on them.
 * Local servers (Ollama, self-hosted OpenAI-compatible) cost nothing per token.
 */
import { ANTHROPIC_MAX_PIXELS, GEMINI_MAX_SIDE, uploadSize } from './image-budget.js';

export interface Price {
  inputPerMillion: number;
  outputPerMillion: number;
}

/** Longest matching prefix wins, so dated snapshots ("gpt-4o-2024-08-06") find their family. */
const PRICES: Record<string, Price> = {
  'gpt-4o': { inputPerMillion: 2.5, outputPerMillion: 10 },
  'gpt-4o-mini': { inputPerMillion: 0.15, outputPerMillion: 0.6 },
  'gpt-4.1': { inputPerMillion: 2, outputPerMillion: 8 },
  'gpt-4.1-mini': { inputPerMillion: 0.4, outputPerMillion: 1.6 },
  'gpt-4.1-nano': { inputPerMillion: 0.1, outputPerMillion: 0.4 },
  'gpt-5': { inputPerMillion: 1.25, outputPerMillion: 10 },
  'gpt-5-mini': { inputPerMillion: 0.25, outputPerMillion: 2 },
  'gpt-5-nano': { inputPerMillion: 0.05, outputPerMillion: 0.4 },
  'claude-opus-4': { inputPerMillion: 15, outputPerMillion: 75 },
  'claude-sonnet-4': { inputPerMillion: 3, outputPerMillion: 15 },
  'claude-3-7-sonnet': { inputPerMillion: 3, outputPerMillion: 15 },
  'claude-3-5-sonnet': { inputPerMillion: 3, outputPerMillion: 15 },
  'claude-haiku-4': { inputPerMillion: 1, outputPerMillion: 5 },
  'claude-3-5-haiku': { inputPerMillion: 0.8, outputPerMillion: 4 },
  'gemini-2.5-pro': { inputPerMillion: 1.25, outputPerMillion: 10 },
  'gemini-2.5-flash': { inputPerMillion: 0.3, outputPerMillion: 2.5 },
  'gemini-2.5-flash-lite': { inputPerMillion: 0.1, outputPerMillion: 0.4 },
  'gemini-2.0-flash': { inputPerMillion: 0.1, outputPerMillion: 0.4 },
  'gemini-2.0-flash-lite': { inputPerMillion: 0.075, outputPerMillion: 0.3 },
  'text-embedding-3-small': { inputPerMillion: 0.02, outputPerMillion: 0 },
  'text-embedding-3-large': { inputPerMillion: 0.13, outputPerMillion: 0 },
};

const LOCAL_PROVIDERS = new Set(['ollama', 'builtin', 'local']);

export function priceFor(provider: string, model: string): Price | null {
  if (LOCAL_PROVIDERS.has(provider)) return { inputPerMillion: 0, outputPerMillion: 0 };
  const name = model.toLowerCase().replace(/^models\//, '');
  let best: string | null = null;
  for (const prefix of Object.keys(PRICES)) {
    if (name.startsWith(prefix) && (best === null || prefix.length > best.length)) best = prefix;
  }
  return best ? PRICES[best]! : null;
}

export function costOf(provider: string, model: string, inputTokens = 0, outputTokens = 0): number | undefined {
  const price = priceFor(provider, model);
  if (!price) return undefined;
  return (inputTokens * price.inputPerMillion + outputTokens * price.outputPerMillion) / 1_000_000;
}

/** Tokens one image costs as input, following each vendor's published rule. */
export function imageTokens(provider: string, model: string, width: number, height: number): number {
  if (provider === 'openai') {
    const size = uploadSize({ kind: 'openai-tiles' }, width, height);
    const tiles = Math.ceil(size.width / 512) * Math.ceil(size.height / 512);
    // gpt-4o-mini bills images at ~33× the tokens (at a ~17× lower price), per OpenAI's pricing page.
    return model.startsWith('gpt-4o-mini') ? 2833 + 5667 * tiles : 85 + 170 * tiles;
  }
  if (provider === 'anthropic') {
    const size = uploadSize({ kind: 'anthropic-pixels', maxPixels: ANTHROPIC_MAX_PIXELS, maxSide: 1568 }, width, height);
    return Math.ceil((size.width * size.height) / 750);
  }
  if (provider === 'gemini') {
    const size = uploadSize({ kind: 'gemini-tiles', maxSide: GEMINI_MAX_SIDE }, width, height);
    if (size.width <= 384 && size.height <= 384) return 258;
    return Math.ceil(size.width / 768) * Math.ceil(size.height / 768) * 258;
  }
  // Local and OpenAI-compatible models vary (LLaVA ≈576 tokens per 336 px crop); a rough count serves the estimate.
  return 576 * Math.ceil(width / 672) * Math.ceil(height / 672);
}
