// expect: COUNTS 5:3 updates COUNTS.total, so COUNTS
export const COUNTS = { total: 0 };

export function record(): void {
  COUNTS.total++;
}
