/** Position of `index` in an ascending row list (binary search: row lists reach millions); -1 when absent. */
export function positionOfRow(rows: ArrayLike<number>, index: number): number {
  let low = 0;
  let high = rows.length - 1;
  while (low <= high) {
    const middle = (low + high) >>> 1;
    const value = rows[middle]!;
    if (value === index) return middle;
    if (value < index) low = middle + 1;
    else high = middle - 1;
  }
  return -1;
}
