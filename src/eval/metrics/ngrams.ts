/** n-gram counting shared by BLEU and CIDEr-D: one map per order, keyed by the n-gram's words joined by a space. */

/** Counts of every n-gram of order 1..maxOrder; `counts[k]` holds the (k+1)-grams. */
export function countNgrams(tokens: readonly string[], maxOrder: number): Map<string, number>[] {
  const counts: Map<string, number>[] = [];
  for (let order = 1; order <= maxOrder; order++) {
    const map = new Map<string, number>();
    for (let start = 0; start + order <= tokens.length; start++) {
      const gram = order === 1 ? tokens[start] : tokens.slice(start, start + order).join(' ');
      map.set(gram, (map.get(gram) ?? 0) + 1);
    }
    counts.push(map);
  }
  return counts;
}
