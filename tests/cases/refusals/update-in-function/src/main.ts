// refused: updates COUNTS.total, so COUNTS
export const COUNTS = { total: 0 };

export function record(): void {
  COUNTS.total++;
}
