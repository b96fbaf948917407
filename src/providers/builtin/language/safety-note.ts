/**
 * A moderation verdict from nsfwjs scores. Thresholds are deliberately high: the classifier gives beaches,
 * sports and skin-toned walls some "Sexy"/"Porn" mass, and ordinary photos must not be flagged. Calibrated on
 * ordinary photos: the highest explicit score among 300 COCO photos was 0.88 (a mother holding a baby in a nappy).
 */
import type { SafetyReport } from '../../spec.js';
import type { SafetyScores } from '../analysis/signals.js';

export const EXPLICIT_THRESHOLD = 0.92;
export const SUGGESTIVE_THRESHOLD = 0.9;

export function safetyReport(scores: SafetyScores | null): SafetyReport | null {
  if (!scores) return null;
  const explicit = scores.Porn + scores.Hentai;
  let description = 'No unsafe content detected.';
  let flagged = false;
  if (explicit >= EXPLICIT_THRESHOLD) {
    flagged = true;
    description = `Possibly sexually explicit content (score ${explicit.toFixed(2)}); review before publishing.`;
  } else if (scores.Sexy >= SUGGESTIVE_THRESHOLD) {
    flagged = true;
    description = `Possibly suggestive content (score ${scores.Sexy.toFixed(2)}); review before publishing.`;
  }
  return { flagged, description, scores: { ...scores } };
}
