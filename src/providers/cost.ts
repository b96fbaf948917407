/**
 * Cost estimates before spending: `glimpse index --dry-run` sums `estimateCost` over the images it would describe.
 * The token counts follow each vendor's published image rule plus the `json` task's prompt and a typical answer.
 */
import { costOf, imageTokens, priceFor } from './vision-language/prices.js';

/** Text tokens of the system prompt and the `json` task's prompt with its schema (≈ 2,400 characters / 4). */
const PROMPT_TOKENS = 600;
/** A typical `json` answer: caption, paragraph, alt text, tags, objects, safety. */
const ANSWER_TOKENS = 350;

export interface CostEstimate {
  provider: string;
  model: string;
  inputTokens: number;
  outputTokens: number;
  /** US dollars; null when Glimpse does not know the model's price (e.g. a self-hosted server). */
  costUsd: number | null;
}

/** Estimated tokens and cost of describing one image of this size (after EXIF rotation) with the `json` task. */
export function estimateCost(provider: string, model: string, imageWidth: number, imageHeight: number): CostEstimate {
  const inputTokens = PROMPT_TOKENS + imageTokens(provider, model, imageWidth, imageHeight);
  const outputTokens = ANSWER_TOKENS;
  const price = priceFor(provider, model);
  return { provider, model, inputTokens, outputTokens, costUsd: price ? costOf(provider, model, inputTokens, outputTokens)! : null };
}

/** Sum of estimates, for a run's total line ("≈ $0.42 for 1,200 images"). */
export function sumEstimates(estimates: CostEstimate[]): { inputTokens: number; outputTokens: number; costUsd: number | null } {
  let costUsd: number | null = 0;
  let inputTokens = 0;
  let outputTokens = 0;
  for (const estimate of estimates) {
    inputTokens += estimate.inputTokens;
    outputTokens += estimate.outputTokens;
    costUsd = costUsd === null || estimate.costUsd === null ? null : costUsd + estimate.costUsd;
  }
  return { inputTokens, outputTokens, costUsd };
}
