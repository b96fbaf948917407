/**
 * What the analyzers see in one image, before any language is made from it. Plain data, so it crosses the
 * worker-thread boundary as it is and the language layer can be tested on synthetic signals.
 */
import type { DetectedObject, ExifSummary } from '../../spec.js';

export interface Pixels {
  data: Uint8Array;
  width: number;
  height: number;
}

export interface ColourShare {
  /** A basic colour name: "red", "dark blue", "white"… */
  name: string;
  /** Fraction of the image's pixels, 0..1. */
  share: number;
}

export interface ReadText {
  /** Rows of text in reading order (top to bottom, left to right within a row). */
  lines: string[];
  /** Mean confidence of what was kept, 0..100. */
  confidence: number;
  /** Each piece read, in reading order, with its box; absent from readers that do not give boxes. */
  regions?: TextRegion[];
}

export interface TextRegion {
  text: string;
  /** Corners in image pixels: top-left, top-right, bottom-right, bottom-left of the text. */
  box: [[number, number], [number, number], [number, number], [number, number]];
  /** 0..1. */
  confidence: number;
}

export interface SafetyScores {
  Drawing: number;
  Hentai: number;
  Neutral: number;
  Porn: number;
  Sexy: number;
}

export interface Signals {
  width: number;
  height: number;
  objects: DetectedObject[];
  /** The main colour name of each object (same order as objects), or null where none dominates. */
  objectColours: (string | null)[];
  colours: ColourShare[];
  /** Mean brightness 0..1 and how colourful the image is 0..1, for setting hints ("dark", "black and white"). */
  brightness: number;
  saturation: number;
  text: ReadText | null;
  safety: SafetyScores | null;
  exif: ExifSummary | null;
  /** The look-alike vector (appearance.ts), when the detector ran. */
  appearance?: number[];
}

/** Which analyzers to run; the task decides (no OCR for a caption-only request, no safety for alt text…). */
export interface AnalysisOptions {
  objects: boolean;
  text: boolean;
  safety: boolean;
}

/**
 * CPU milliseconds spent in each stage of the analysis ("detector", "ocr gate"…), summed; for the bench's profile.
 * CPU, not wall time, so that a loaded machine does not inflate the figures; it is the whole process's CPU, so
 * only meaningful when one analysis runs at a time (as the profile runs it).
 */
export type StageTimes = Record<string, number>;

/** Runs one stage, adding its CPU milliseconds to `times` when given. */
export async function timed<T>(times: StageTimes | undefined, stage: string, work: () => T | Promise<T>): Promise<T> {
  if (!times) return work();
  const started = process.cpuUsage();
  try {
    return await work();
  } finally {
    const used = process.cpuUsage(started);
    times[stage] = (times[stage] ?? 0) + (used.user + used.system) / 1000;
  }
}
