/** Photo context from size and EXIF: orientation, time of day, camera, whether a location was recorded. */
import type { ExifSummary } from '../../spec.js';

export function orientation(width: number, height: number): 'landscape' | 'portrait' | 'square' {
  const ratio = width / height;
  return ratio > 1.1 ? 'landscape' : ratio < 0.9 ? 'portrait' : 'square';
}

/** From the camera's local clock in an ISO timestamp ("2024-06-01T19:42:00"), without converting time zones. */
export function timeOfDay(takenAt: string | null | undefined): string | null {
  const match = takenAt?.match(/T(\d{2}):/);
  if (!match) return null;
  const hour = Number(match[1]);
  if (hour < 5) return 'night';
  if (hour < 12) return 'morning';
  if (hour < 17) return 'afternoon';
  if (hour < 21) return 'evening';
  return 'night';
}

export function exifSentence(exif: ExifSummary | null | undefined): string | null {
  if (!exif) return null;
  const parts: string[] = [];
  const when = timeOfDay(exif.takenAt);
  const date = exif.takenAt?.slice(0, 10);
  if (date) parts.push(`taken ${when ? `in the ${when} ` : ''}on ${date}`.replace('in the night', 'at night'));
  if (exif.camera) parts.push(`with a ${exif.camera}`);
  if (exif.latitude != null && exif.longitude != null) parts.push('with a GPS location recorded');
  return parts.length ? `Photo ${parts.join(', ')}.` : null;
}
