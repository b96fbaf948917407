/** Caption and OCR metrics as the COCO caption evaluation code and the OCR literature define them. */

export { type BleuResult, type CaptionPair, corpusBleu } from './bleu.js';
export { type CaptionItem, type CaptionMetrics, type CaptionScores, scoreCaptions, tokenizePairs } from './captions.js';
export { type CiderOptions, type CiderResult, ciderD } from './cider.js';
export {
  characterEdits,
  characterErrorRate,
  type EditCounts,
  type ErrorRateOptions,
  errorRate,
  levenshtein,
  normaliseText,
  wordEdits,
  wordErrorRate,
} from './edit-distance.js';
export { countNgrams } from './ngrams.js';
export { type NamingItem, type NamingScores, namedObjects, namedScenes, namingScores } from './nouns.js';
export { longestCommonSubsequence, ROUGE_BETA, rougeL } from './rouge.js';
export { tokenizeCaption } from './tokenize.js';
