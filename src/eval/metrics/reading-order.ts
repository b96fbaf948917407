/**
 * Reading order for boxed text: rows top to bottom, left to right within a row. One rule for both sides of an OCR
 * score (the reference lines of a manifest and the lines an engine reads), so neither is favoured by the order.
 *
 * Two pieces share a row when their vertical spans overlap by at least half of the shorter one; a row's span is
 * that of its first (top-most) piece, so a tall piece does not swallow the rows beside it.
 */

/** A quadrilateral or any polygon as flat [x0, y0, x1, y1, …] coordinates. */
export type Polygon = readonly number[];

export interface Span {
  top: number;
  bottom: number;
  left: number;
}

export function spanOf(polygon: Polygon): Span {
  let top = Number.POSITIVE_INFINITY;
  let bottom = Number.NEGATIVE_INFINITY;
  let left = Number.POSITIVE_INFINITY;
  for (let index = 0; index + 1 < polygon.length; index += 2) {
    left = Math.min(left, polygon[index]);
    top = Math.min(top, polygon[index + 1]);
    bottom = Math.max(bottom, polygon[index + 1]);
  }
  return { top, bottom, left };
}

/** The items grouped into rows (top to bottom), each row left to right. */
export function readingRows<T>(items: readonly T[], polygonOf: (item: T) => Polygon): T[][] {
  const placed = items
    .map((item) => ({ item, span: spanOf(polygonOf(item)) }))
    .sort((a, b) => (a.span.top + a.span.bottom) / 2 - (b.span.top + b.span.bottom) / 2);
  const rows: { span: Span; members: { item: T; span: Span }[] }[] = [];
  for (const piece of placed) {
    const row = rows.find((candidate) => sameRow(candidate.span, piece.span));
    if (row) row.members.push(piece);
    else rows.push({ span: piece.span, members: [piece] });
  }
  rows.sort((a, b) => a.span.top - b.span.top);
  return rows.map((row) => row.members.sort((a, b) => a.span.left - b.span.left).map((member) => member.item));
}

function sameRow(a: Span, b: Span): boolean {
  const overlap = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
  return overlap >= 0.5 * Math.min(a.bottom - a.top, b.bottom - b.top);
}

/** Reference text in reading order: rows as lines, the pieces of a row joined by spaces. */
export function textInReadingOrder(regions: readonly { text: string; polygon: Polygon }[]): string {
  return readingRows(regions, (region) => region.polygon)
    .map((row) => row.map((region) => region.text).join(' '))
    .join('\n');
}
