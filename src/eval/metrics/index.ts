/** Caption and OCR metrics as the COCO caption evaluation code and the OCR literature define them. */
export { tokenizeCaption } from './tokenize.js';
export { countNgrams } from './ngrams.js';
export { corpusBleu, type BleuResult, type CaptionPair } from './bleu.js';
export { rougeL, longestCommonSubsequence, ROUGE_BETA } from './rouge.js';
export { ciderD, type CiderOptions, type CiderResult } from './cider.js';
export {
  levenshtein,
  normaliseText,
  characterEdits,
  wordEdits,
  errorRate,
  characterErrorRate,
  wordErrorRate,
  type EditCounts,
  type ErrorRateOptions,
} from './edit-distance.js';
export { scoreCaptions, tokenizePairs, type CaptionItem, type CaptionMetrics, type CaptionScores } from './captions.js';
