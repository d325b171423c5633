// expect: X 2:25 'Level' is used before its declaration (TS2448)
export const X = { low: Level.Low };
export enum Level { Low, High }
