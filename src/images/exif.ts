/**
 * EXIF context with exifr: when the photo was taken, with what camera, and whether it carries a GPS position.
 * Never throws: a photo with broken EXIF is still a photo.
 */
import exifr from 'exifr';
import type { ExifSummary } from '../providers/spec.js';

/**
 * One options object for every call: exifr builds its parsed options once per object it is given (a cache keyed by
 * the object), which cost about as much as parsing a photo's EXIF when a new literal came with each call.
 */
const OPTIONS = {
  pick: [
    'DateTimeOriginal',
    'CreateDate',
    'ModifyDate',
    'Make',
    'Model',
    'Orientation',
    'GPSLatitude',
    'GPSLongitude',
    'GPSLatitudeRef',
    'GPSLongitudeRef',
  ],
  gps: true,
  translateValues: false,
};

export async function readExif(bytes: Buffer): Promise<ExifSummary | null> {
  let tags: Record<string, unknown> | undefined;
  try {
    tags = await exifr.parse(bytes, OPTIONS);
  } catch {
    return null;
  }
  if (!tags) return null;
  const taken = (tags.DateTimeOriginal ?? tags.CreateDate ?? tags.ModifyDate) as Date | string | undefined;
  const make = typeof tags.Make === 'string' ? tags.Make.trim() : '';
  const model = typeof tags.Model === 'string' ? tags.Model.trim() : '';
  const camera = model.toLowerCase().startsWith(make.toLowerCase()) ? model : [make, model].filter(Boolean).join(' ');
  const summary: ExifSummary = {
    takenAt: taken instanceof Date && !Number.isNaN(taken.getTime()) ? localIso(taken) : null,
    camera: camera || null,
    latitude: typeof tags.latitude === 'number' ? tags.latitude : null,
    longitude: typeof tags.longitude === 'number' ? tags.longitude : null,
    orientation: typeof tags.Orientation === 'number' ? tags.Orientation : null,
  };
  return Object.values(summary).some((value) => value !== null) ? summary : null;
}

/**
 * EXIF dates carry no time zone; exifr reads them as local time. Keep the wall-clock time the camera showed,
 * so "taken at 18:00" stays 18:00 whatever zone the index is read in.
 */
function localIso(date: Date): string {
  const pad = (value: number) => String(value).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
}
