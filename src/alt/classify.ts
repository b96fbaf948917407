/**
 * Which alt texts need fixing (WCAG 1.1.1), and the suggested text's final shape: at most 125 characters, no
 * "image of", a capital first letter.
 */

/** Why an image's alt text needs fixing; null when it is fine (or the image is marked decorative). */
export type AltProblem = 'missing' | 'empty' | 'file name' | 'placeholder';

const PLACEHOLDERS = new Set([
  'image',
  'img',
  'photo',
  'photograph',
  'picture',
  'pic',
  'graphic',
  'untitled',
  'placeholder',
  'alt',
  'alt text',
  'screenshot',
  'thumbnail',
  'banner',
  'icon',
]);

const IMAGE_EXTENSION = /\.(?:png|jpe?g|jfif|gif|webp|avif|svg|bmp|tiff?|heic|heif|ico)$/i;
/** Camera and phone file names without their extension: IMG_0042, DSC01234, PXL_20240101_…, Screenshot 2024-… */
const CAMERA_NAME = /^(?:img|dsc|dscn|dscf|pxl|mvimg|gopr|dji|p|screen ?shot|photo|image)[-_ ]?\d[\w-]*$/i;

export function altProblem(alt: string | null, decorative: boolean): AltProblem | null {
  if (alt === null) return 'missing';
  const text = alt.trim();
  if (text === '') return decorative ? null : 'empty';
  const words = text
    .toLowerCase()
    .replace(/[\s_\-.:#()[\]]*\d*[\s_\-.:#()[\]]*$/, '')
    .trim();
  if (PLACEHOLDERS.has(words)) return 'placeholder';
  if (isFileName(text)) return 'file name';
  return null;
}

function isFileName(text: string): boolean {
  if (/\s/.test(text.replace(/^screen ?shot/i, ''))) return false;
  return IMAGE_EXTENSION.test(text) || CAMERA_NAME.test(text) || /^[\w-]+\/[\w./-]+$/.test(text);
}

/** The longest alt text suggested; screen readers read more, but 125 is the common advice (and what linters check). */
export const MAX_ALT_LENGTH = 125;

const LEADS =
  /^(?:(?:an?|the)\s+)?(?:(?:close-?up|black[- ]and[- ]white|color|colour|stock)\s+)?(?:image|picture|photo|photograph|graphic|illustration|drawing|snapshot|screenshot)\s+(?:of|showing|shows|depicting|with)\s+/i;

const SHOWS =
  /^(?:(?:this|the|here)\s+)(?:is\s+)?(?:(?:an?|the)\s+)?(?:image|picture|photo|photograph|graphic|illustration|screenshot)?\s*(?:shows|depicts|contains|is of|of)\s+/i;

/** Shape a caption into alt text: no "image of", trimmed to ≤ 125 characters at a word boundary, capitalised. */
export function toAltText(caption: string): string {
  let text = caption.replace(/\s+/g, ' ').trim();
  for (let pass = 0; pass < 2; pass++) text = text.replace(SHOWS, '').replace(LEADS, '');
  if (text.length > MAX_ALT_LENGTH) {
    // The first sentence, when it fits; else cut at the last word that fits.
    const sentence = /^(.{20,}?[.!?])\s/.exec(text);
    if (sentence && sentence[1].length <= MAX_ALT_LENGTH) text = sentence[1];
    else {
      const cut = text.slice(0, MAX_ALT_LENGTH + 1);
      const space = cut.lastIndexOf(' ');
      text = (space > 40 ? cut.slice(0, space) : cut.slice(0, MAX_ALT_LENGTH)).replace(/[\s,;:–—-]+$/, '');
    }
  }
  return text.charAt(0).toUpperCase() + text.slice(1);
}
